// Package discussions is the posts people write: in a page's discussion (PostToPage, ReadPosts)
// and in a subsite's activity stream (PostToStream, ReadStream), with the members they mention,
// their notifications and their search entries.
//
// It imports pages and calls its exported reads (FindPage) for the page a post is on, so pages
// never imports it; its callers are the front ends (pages/rest, pages/web). The Discussion widget
// itself (pages.Service.CreateDiscussionWidget) and the posts' table (widgets) are not its own.
package discussions

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"quire/app/api"
	"quire/app/events"
	"quire/pages"
	"quire/pages/search"
	"quire/people"
	"quire/people/mail"
	"quire/widgets"
)

// Service holds the operations on posts; Pages is the pages domain they find pages through.
type Service struct {
	Pages *pages.Service
}

// PostToPage stores a post in the page's discussion; whoever may comment (viewers up) may post.
// The message msg is text as typed, which came in the parameter field ("msg" or "message", for
// messages): it is stored as posted (unsafe_c) and as escaped HTML with its line breaks and bare
// links kept (c), with the members it mentions and their notifications. Returns
// people.ErrNotFound for a subsite actor is not in, a forbidden error for a role or token that
// may not comment, pages.ErrPageNotFound, and a validation error for a message that is empty or too
// long (on field) or a page without a Discussion widget (on "page_id").
func (s *Service) PostToPage(ctx context.Context, actor *people.Actor, sub *people.Subsite, pageID int64, msg, field string) (*widgets.Post, error) {
	return s.post(ctx, actor, sub, &pageID, msg, field)
}

// PostToStream stores a post in the subsite's activity stream, a feed of its own beside the
// pages' discussions; whoever may comment may post. The message is read and kept as PostToPage's,
// and it returns the same errors but those of a page.
func (s *Service) PostToStream(ctx context.Context, actor *people.Actor, sub *people.Subsite, msg, field string) (*widgets.Post, error) {
	return s.post(ctx, actor, sub, nil, msg, field)
}

// post is PostToPage, or PostToStream when pageID is nil.
func (s *Service) post(ctx context.Context, actor *people.Actor, sub *people.Subsite, pageID *int64, msg, field string) (*widgets.Post, error) {
	if err := actor.Can(people.Comment, sub.ID); err != nil {
		return nil, err
	}
	if err := widgets.CheckMessage(field, msg); err != nil {
		return nil, err
	}
	body, err := widgets.PostHTML(field, msg)
	if err != nil {
		return nil, err
	}
	var post *widgets.Post
	err = s.Pages.DB.Write(ctx, func(tx *sql.Tx) error {
		var page *pages.Page
		if pageID != nil {
			var err error
			if page, err = s.Pages.FindPage(ctx, tx, sub, *pageID); err != nil {
				return err
			}
			if err := needDiscussion(ctx, tx, page); err != nil {
				return err
			}
		}
		var err error
		post, err = s.storePost(ctx, actor, sub, tx, page, msg, body)
		return err
	})
	if err != nil {
		return nil, err
	}
	return post, s.presentPosts(ctx, s.Pages.DB.R, post)
}

// streamTitle names the activity stream in notifications and search.
const streamTitle = "the activity stream"

// storePost stores msg, whose HTML is body (widgets.PostHTML), as the actor's post of page's
// discussion, or of sub's activity stream when page is nil, in tx: with the members it mentions,
// their notifications (and the other members' by their levels), and its search entry.
func (s *Service) storePost(ctx context.Context, actor *people.Actor, sub *people.Subsite, tx *sql.Tx, page *pages.Page, msg, body string) (*widgets.Post, error) {
	np := widgets.NewPost{SubsiteID: sub.ID, AuthorID: actor.User.ID, Text: msg, HTML: body}
	ev := mail.Event{SubsiteID: sub.ID, Kind: mail.EventComment, ActorID: actor.User.ID, Title: streamTitle,
		URL: sub.URL, Excerpt: msg}
	if page != nil {
		np.PageID, np.SubsiteID = page.ID, page.SubsiteID
		ev.SubsiteID, ev.Title, ev.URL = page.SubsiteID, page.Title, page.URL
	}
	mentioned, err := findMentions(ctx, tx, np.SubsiteID, msg, actor.User.ID)
	if err != nil {
		return nil, err
	}
	np.Mentioned, ev.MentionedUserIDs = mentioned, mentioned
	post, err := widgets.CreatePost(ctx, tx, np, api.NewTime(s.Pages.DB.Now()))
	if err != nil {
		return nil, err
	}
	ev.URL = fmt.Sprintf("%s#post-%d", ev.URL, post.ID)
	if err := mail.QueueEvent(ctx, tx, ev, post.CreatedAt); err != nil {
		return nil, err
	}
	if err := indexPost(ctx, tx, page, post); err != nil {
		return nil, err
	}
	// The activity log and hooks: the post as the discussion API answers it (a copy, presented in
	// tx; the caller presents its own after commit).
	return post, events.Record(ctx, tx, events.Event{Kind: events.CommentCreated, SubsiteID: np.SubsiteID, ObjectType: "comment",
		ObjectID: post.ID, ActorID: actor.User.ID, Summary: ev.Title + ": " + msg,
		Payload: func() (any, error) {
			shown := *post
			return &shown, s.presentPosts(ctx, tx, &shown)
		}}, post.CreatedAt)
}

// ReadPosts returns the reader of the posts of the page's discussion, newest first (with since,
// oldest first), presented. Posts stay readable when the Discussion widget is removed. Returns
// people.ErrNotFound for a subsite actor is not in, a forbidden error, and pages.ErrPageNotFound.
func (s *Service) ReadPosts(ctx context.Context, actor *people.Actor, sub *people.Subsite, pageID int64) (api.ListReader[*widgets.Post], error) {
	if err := actor.Can(people.View, sub.ID); err != nil {
		return nil, err
	}
	page, err := s.Pages.FindPage(ctx, s.Pages.DB.R, sub, pageID)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context, db api.DBTX, q api.ListQuery) ([]*widgets.Post, []string, error) {
		list, next, err := widgets.ListPosts(ctx, db, page.ID, q)
		if err != nil {
			return nil, nil, err
		}
		return list, next, s.presentPosts(ctx, db, list...)
	}, nil
}

// ReadStream returns the reader of the posts of the subsite's activity stream, newest first (with
// since, oldest first): the stream alone, not the pages' discussions, which ReadPosts reads.
// Returns people.ErrNotFound for a subsite actor is not in, or a forbidden error.
func (s *Service) ReadStream(ctx context.Context, actor *people.Actor, sub *people.Subsite) (api.ListReader[*widgets.Post], error) {
	if err := actor.Can(people.View, sub.ID); err != nil {
		return nil, err
	}
	return func(ctx context.Context, db api.DBTX, q api.ListQuery) ([]*widgets.Post, []string, error) {
		list, next, err := widgets.ListStreamPosts(ctx, db, sub.ID, q)
		if err != nil {
			return nil, nil, err
		}
		return list, next, s.presentPosts(ctx, db, list...)
	}, nil
}

// needDiscussion returns a validation error unless the page has a Discussion widget.
func needDiscussion(ctx context.Context, db pages.DBTX, page *pages.Page) error {
	ok, err := widgets.HasDiscussion(ctx, db, page.ID)
	if err == nil && !ok {
		err = api.Invalid("page_id", "Page %d has no Discussion widget, so it takes no posts; "+
			"add one with discussion/create.", page.ID)
	}
	return err
}

// findMentions returns the members of the subsite that msg mentions (see widgets.FindMentions),
// leaving out the author: nobody is told of their own post.
func findMentions(ctx context.Context, db pages.DBTX, subsiteID int64, msg string, author int64) ([]int64, error) {
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
func (s *Service) presentPosts(ctx context.Context, db pages.DBTX, list ...*widgets.Post) error {
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
		p.By, p.Avatar = refs[i].Name, s.Pages.People.AvatarURL(p.AuthorID)
	}
	return nil
}

// indexPost adds a post to the search index, in its transaction: found by its text, titled after
// its page, visible where its page is (and hidden with it in the trash); a post of the activity
// stream (page nil) is visible to the members of its subsite.
func indexPost(ctx context.Context, tx pages.DBTX, page *pages.Page, post *widgets.Post) error {
	d := search.Doc{Cat: search.CatComment, RefID: post.ID, SubsiteID: post.SubsiteID, Title: "Post on " + streamTitle,
		Body: widgets.PlainText(post.HTML), UpdatedAt: post.CreatedAt}
	if page != nil {
		d.PageID, d.Title = page.ID, "Comment on "+page.Title
	}
	return search.IndexDoc(ctx, tx, d)
}
