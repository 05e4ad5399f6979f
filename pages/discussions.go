package pages

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"quire/app/api"
	"quire/app/httpapi"
	"quire/pages/search"
	"quire/people"
	"quire/widgets"
)

// postMessage stores a post in the page's discussion; a viewer may post. The message ("msg", or
// "message") is text as typed: it is stored as posted (unsafe_c) and as escaped HTML with its
// line breaks and bare links kept (c). The page must have a Discussion widget.
func (s *Service) postMessage(c *gin.Context) {
	r := start(c, people.Comment)
	if r == nil {
		return
	}
	msg, field := readMessage(r.p)
	pageID, err := r.id("page_id")
	if r.failed(err) || r.failed(r.p.Err()) || r.failed(widgets.CheckMessage(field, msg)) {
		return
	}
	body, err := widgets.PostHTML(field, msg)
	if r.failed(err) {
		return
	}
	var post *widgets.Post
	err = s.DB.Write(r.ctx, func(tx *sql.Tx) error {
		page, err := s.FindPage(r.ctx, tx, r.sub, pageID)
		if err != nil {
			return err
		}
		if err := needDiscussion(r.ctx, tx, page); err != nil {
			return err
		}
		post, err = s.storePost(r, tx, page, msg, body)
		return err
	})
	if r.failed(err) || r.failed(s.presentPosts(r.ctx, s.DB.R, post)) {
		return
	}
	httpapi.JSON(c, http.StatusOK, post)
}

// postToStream stores a post in the subsite's activity stream, a feed of its own beside the
// pages' discussions (feed/post without a page id, as Papyrs connectors send it); whoever may
// comment (viewers up) may post. The message is read and kept as postMessage's.
func (s *Service) postToStream(c *gin.Context) {
	r := start(c, people.Comment)
	if r == nil {
		return
	}
	msg, field := readMessage(r.p)
	if r.failed(r.p.Err()) || r.failed(widgets.CheckMessage(field, msg)) {
		return
	}
	body, err := widgets.PostHTML(field, msg)
	if r.failed(err) {
		return
	}
	var post *widgets.Post
	err = s.DB.Write(r.ctx, func(tx *sql.Tx) error {
		var err error
		post, err = s.storePost(r, tx, nil, msg, body)
		return err
	})
	if r.failed(err) || r.failed(s.presentPosts(r.ctx, s.DB.R, post)) {
		return
	}
	httpapi.JSON(c, http.StatusOK, post)
}

// streamTitle names the activity stream in notifications and search.
const streamTitle = "the activity stream"

// storePost stores msg, whose HTML is body (widgets.PostHTML), as a post of page's discussion,
// or of the request's subsite's activity stream when page is nil, in tx: with the members it
// mentions, their notifications (and the other members' by their levels), and its search entry.
func (s *Service) storePost(r *request, tx *sql.Tx, page *Page, msg, body string) (*widgets.Post, error) {
	np := widgets.NewPost{SubsiteID: r.sub.ID, AuthorID: r.actor.User.ID, Text: msg, HTML: body}
	ev := people.Event{SubsiteID: r.sub.ID, Kind: people.EventComment, ActorID: r.actor.User.ID, Title: streamTitle,
		URL: r.sub.URL, Excerpt: msg}
	if page != nil {
		np.PageID, np.SubsiteID = page.ID, page.SubsiteID
		ev.SubsiteID, ev.Title, ev.URL = page.SubsiteID, page.Title, page.URL
	}
	mentioned, err := findMentions(r.ctx, tx, np.SubsiteID, msg, r.actor.User.ID)
	if err != nil {
		return nil, err
	}
	np.Mentioned, ev.MentionedUserIDs = mentioned, mentioned
	post, err := widgets.CreatePost(r.ctx, tx, np, api.NewTime(s.DB.Now()))
	if err != nil {
		return nil, err
	}
	ev.URL = fmt.Sprintf("%s#post-%d", ev.URL, post.ID)
	if err := people.QueueEvent(r.ctx, tx, ev, post.CreatedAt); err != nil {
		return nil, err
	}
	return post, indexPost(r.ctx, tx, page, post)
}

// listPosts answers the posts of the page's discussion, newest first (with since, oldest first).
// Posts stay readable when the Discussion widget is removed.
func (s *Service) listPosts(c *gin.Context) {
	r := start(c, people.View)
	if r == nil {
		return
	}
	q := httpapi.ParseList(r.p)
	pageID, err := r.id("page_id")
	if r.failed(err) || r.failed(r.p.Err()) {
		return
	}
	page, err := s.FindPage(r.ctx, s.DB.R, r.sub, pageID)
	if r.failed(err) {
		return
	}
	httpapi.AnswerList(c, httpapi.List[*widgets.Post]{DB: s.DB, Budget: s.Budget, Query: q,
		Read: func(ctx context.Context, db api.DBTX, q api.ListQuery) ([]*widgets.Post, []string, error) {
			list, next, err := widgets.ListPosts(ctx, db, page.ID, q)
			if err != nil {
				return nil, nil, err
			}
			return list, next, s.presentPosts(ctx, db, list...)
		}})
}

// listStream answers the posts of the subsite's activity stream, newest first (with since,
// oldest first): the stream alone, not the pages' discussions, which feed/page reads.
func (s *Service) listStream(c *gin.Context) {
	r := start(c, people.View)
	if r == nil {
		return
	}
	q := httpapi.ParseList(r.p)
	if r.failed(r.p.Err()) {
		return
	}
	httpapi.AnswerList(c, httpapi.List[*widgets.Post]{DB: s.DB, Budget: s.Budget, Query: q,
		Read: func(ctx context.Context, db api.DBTX, q api.ListQuery) ([]*widgets.Post, []string, error) {
			list, next, err := widgets.ListStreamPosts(ctx, db, r.sub.ID, q)
			if err != nil {
				return nil, nil, err
			}
			return list, next, s.presentPosts(ctx, db, list...)
		}})
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

// needDiscussion returns a validation error unless the page has a Discussion widget.
func needDiscussion(ctx context.Context, db DBTX, page *Page) error {
	ok, err := widgets.HasDiscussion(ctx, db, page.ID)
	if err == nil && !ok {
		err = api.Invalid("page_id", "Page %d has no Discussion widget, so it takes no posts; "+
			"add one with discussion/create.", page.ID)
	}
	return err
}

// findMentions returns the members of the subsite that msg mentions (see widgets.FindMentions),
// leaving out the author: nobody is told of their own post.
func findMentions(ctx context.Context, db DBTX, subsiteID int64, msg string, author int64) ([]int64, error) {
	if !strings.Contains(msg, "@") {
		return nil, nil
	}
	members, err := people.ListMembers(ctx, db, subsiteID)
	if err != nil {
		return nil, err
	}
	candidates := make([]widgets.Mentionable, 0, len(members))
	for _, m := range members {
		if m.UserID != author {
			candidates = append(candidates, widgets.Mentionable{UserID: m.UserID, Name: m.Name, Email: m.Email})
		}
	}
	return widgets.FindMentions(msg, candidates), nil
}

// presentPosts completes posts for an answer: their authors' names and avatars.
func (s *Service) presentPosts(ctx context.Context, db DBTX, list ...*widgets.Post) error {
	refs := make([]api.UserRef, len(list))
	ptrs := make([]*api.UserRef, len(list))
	for i, p := range list {
		refs[i].ID = p.AuthorID
		ptrs[i] = &refs[i]
	}
	if err := people.FillNames(ctx, db, ptrs...); err != nil {
		return err
	}
	for i, p := range list {
		p.By, p.Avatar = refs[i].Name, s.People.AvatarURL(p.AuthorID)
	}
	return nil
}

// fillPostCounts sets post_count on Discussion widgets: how many posts their page has.
func fillPostCounts(ctx context.Context, db DBTX, list []*widgets.Widget) error {
	var pageIDs []int64
	for _, w := range list {
		if w.Classname == widgets.Discussion {
			pageIDs = append(pageIDs, w.PageID)
		}
	}
	if len(pageIDs) == 0 {
		return nil
	}
	counts, err := widgets.CountPosts(ctx, db, pageIDs...)
	if err != nil {
		return err
	}
	for _, w := range list {
		if w.Classname == widgets.Discussion {
			n := counts[w.PageID]
			w.PostCount = &n
		}
	}
	return nil
}

// indexPost adds a post to the search index, in its transaction: found by its text, titled after
// its page, visible where its page is (and hidden with it in the trash); a post of the activity
// stream (page nil) is visible to the members of its subsite.
func indexPost(ctx context.Context, tx DBTX, page *Page, post *widgets.Post) error {
	d := search.Doc{Cat: search.CatComment, RefID: post.ID, SubsiteID: post.SubsiteID, Title: "Post on " + streamTitle,
		Body: widgets.PlainText(post.HTML), UpdatedAt: post.CreatedAt}
	if page != nil {
		d.PageID, d.Title = page.ID, "Comment on "+page.Title
	}
	return search.IndexDoc(ctx, tx, d)
}

// createDiscussion adds a Discussion widget to a page that has none; val is an optional intro.
func (s *Service) createDiscussion(c *gin.Context) {
	r := start(c, people.Edit)
	if r == nil {
		return
	}
	in := readInput(r.p)
	col, pos := readPlace(r.p)
	r.p.Allow("val", "format", "column", "position")
	if r.failed(r.p.Err()) {
		return
	}
	content, err := widgets.NewDiscussion(in)
	if r.failed(err) {
		return
	}
	s.addWidget(r, content, col, pos, func(tx *sql.Tx, page *Page) error {
		has, err := widgets.HasDiscussion(r.ctx, tx, page.ID)
		if err == nil && has {
			err = api.Conflict("Page %d has a Discussion widget already; a page has at most one.", page.ID)
		}
		return err
	})
}
