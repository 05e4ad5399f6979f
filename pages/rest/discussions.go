package rest

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"quire/app/api"
	"quire/app/httpapi"
	"quire/people"
	"quire/widgets"
)

// postMessage stores a post in the page's discussion (PostToPage).
func (s handlers) postMessage(c *gin.Context) error {
	r, err := start(c, people.Comment)
	if err != nil {
		return err
	}
	msg, field := readMessage(r.p)
	pageID, err := r.id("page_id")
	if err := firstErr(err, r.p.Err()); err != nil {
		return err
	}
	post, err := s.Discussions.PostToPage(r.ctx, r.actor, r.sub, pageID, msg, field)
	if err != nil {
		return err
	}
	httpapi.JSON(c, http.StatusOK, post)
	return nil
}

// postToStream stores a post in the subsite's activity stream (PostToStream): feed/post without
// a page id, as Papyrs connectors send it.
func (s handlers) postToStream(c *gin.Context) error {
	r, err := start(c, people.Comment)
	if err != nil {
		return err
	}
	msg, field := readMessage(r.p)
	if err := r.p.Err(); err != nil {
		return err
	}
	post, err := s.Discussions.PostToStream(r.ctx, r.actor, r.sub, msg, field)
	if err != nil {
		return err
	}
	httpapi.JSON(c, http.StatusOK, post)
	return nil
}

// listPosts answers the posts of the page's discussion (ReadPosts).
func (s handlers) listPosts(c *gin.Context) error {
	r, err := start(c, people.View)
	if err != nil {
		return err
	}
	q := httpapi.ParseList(r.p)
	pageID, err := r.id("page_id")
	if err := firstErr(err, r.p.Err()); err != nil {
		return err
	}
	read, err := s.Discussions.ReadPosts(r.ctx, r.actor, r.sub, pageID)
	if err != nil {
		return err
	}
	httpapi.AnswerList(c, httpapi.List[*widgets.Post]{DB: s.DB, Budget: s.Budget, Query: q, Read: read})
	return nil
}

// listStream answers the posts of the subsite's activity stream (ReadStream).
func (s handlers) listStream(c *gin.Context) error {
	r, err := start(c, people.View)
	if err != nil {
		return err
	}
	q := httpapi.ParseList(r.p)
	if err := r.p.Err(); err != nil {
		return err
	}
	read, err := s.Discussions.ReadStream(r.ctx, r.actor, r.sub)
	if err != nil {
		return err
	}
	httpapi.AnswerList(c, httpapi.List[*widgets.Post]{DB: s.DB, Budget: s.Budget, Query: q, Read: read})
	return nil
}

// createDiscussion adds a Discussion widget to a page (CreateDiscussionWidget).
func (s handlers) createDiscussion(c *gin.Context) error {
	r, err := start(c, people.Edit)
	if err != nil {
		return err
	}
	in := readInput(r.p)
	at := readPlace(r.p)
	r.p.Allow("val", "format", "column", "position")
	if err := r.p.Err(); err != nil {
		return err
	}
	pageID, err := r.id("page_id")
	if err != nil {
		return err
	}
	w, err := s.CreateDiscussionWidget(r.ctx, r.actor, r.sub, pageID, in, at)
	return answerWidgets(c, w, err)
}

// readMessage returns the message of a new post and the parameter it came in: "msg", or
// "message" as some clients send it, not both.
func readMessage(p *httpapi.Params) (msg, field string) {
	p.Allow("msg", "message")
	switch {
	case p.Has("msg") && p.Has("message"):
		p.Fail(api.Invalid("message", "Give \"msg\" or \"message\", not both."))
	case p.Has("message"):
		return p.String("message"), "message"
	}
	return p.String("msg"), "msg"
}
