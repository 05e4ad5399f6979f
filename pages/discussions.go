package pages

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"quire/app/api"
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
	var mentioned []int64 // members the post mentions, its author left out
	err = s.DB.Write(r.ctx, func(tx *sql.Tx) error {
		page, err := s.FindPage(r.ctx, tx, r.sub, pageID)
		if err != nil {
			return err
		}
		if err := needDiscussion(r.ctx, tx, page); err != nil {
			return err
		}
		if mentioned, err = findMentions(r.ctx, tx, page, msg, r.actor.User.ID); err != nil {
			return err
		}
		post, err = widgets.CreatePost(r.ctx, tx, widgets.NewPost{PageID: page.ID, SubsiteID: page.SubsiteID,
			AuthorID: r.actor.User.ID, Text: msg, HTML: body, Mentioned: mentioned}, api.NewTime(s.DB.Now()))
		if err != nil {
			return err
		}
		err = people.QueueEvent(r.ctx, tx, people.Event{SubsiteID: page.SubsiteID, Kind: people.EventComment,
			ActorID: r.actor.User.ID, Title: page.Title, URL: fmt.Sprintf("%s#post-%d", page.URL, post.ID),
			Excerpt: msg, MentionedUserIDs: mentioned}, post.CreatedAt)
		if err != nil {
			return err
		}
		return indexPost(r.ctx, tx, page, post)
	})
	if r.failed(err) || r.failed(s.presentPosts(r.ctx, s.DB.R, post)) {
		return
	}
	c.JSON(http.StatusOK, post)
}

// listPosts answers the posts of the page's discussion, newest first (with since, oldest first).
// Posts stay readable when the Discussion widget is removed.
func (s *Service) listPosts(c *gin.Context) {
	r := start(c, people.View)
	if r == nil {
		return
	}
	q := api.ParseList(r.p)
	pageID, err := r.id("page_id")
	if r.failed(err) || r.failed(r.p.Err()) {
		return
	}
	page, err := s.FindPage(r.ctx, s.DB.R, r.sub, pageID)
	if r.failed(err) {
		return
	}
	list, next, err := widgets.ListPosts(r.ctx, s.DB.R, page.ID, q)
	if r.failed(err) || r.failed(s.presentPosts(r.ctx, s.DB.R, list...)) {
		return
	}
	api.AnswerList(c, list, nextCursor(next))
}

// readMessage returns the message of a new post and the parameter it came in: "msg", or
// "message" as some clients send it, not both.
func readMessage(p *api.Params) (msg, field string) {
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

// findMentions returns the members of the page's subsite that msg mentions (see
// widgets.FindMentions), leaving out the author: nobody is told of their own post.
func findMentions(ctx context.Context, db DBTX, page *Page, msg string, author int64) ([]int64, error) {
	if !strings.Contains(msg, "@") {
		return nil, nil
	}
	members, err := people.ListMembers(ctx, db, page.SubsiteID)
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
// its page, visible where its page is (and hidden with it in the trash).
func indexPost(ctx context.Context, tx DBTX, page *Page, post *widgets.Post) error {
	return indexDoc(ctx, tx, SearchDoc{Cat: CatComment, RefID: post.ID, SubsiteID: page.SubsiteID, PageID: page.ID,
		Title: "Comment on " + page.Title, Body: widgets.PlainText(post.HTML), UpdatedAt: post.CreatedAt})
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
