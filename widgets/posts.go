package widgets

import (
	"context"
	"database/sql"
	"fmt"
	"html"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"quire/app/api"
	"quire/app/sqldb"
)

// MaxPostRunes bounds the message of one discussion post, in characters.
const MaxPostRunes = 20000

// Post is a post of a page's discussion, or of its subsite's activity stream (PageID nil), in the
// shape the API answers (Papyrs' short names). By and Avatar are the author's, filled in by the
// caller, which knows people.
type Post struct {
	ID        int64    `json:"id"`
	By        string   `json:"by"`
	Avatar    string   `json:"a"`
	HTML      string   `json:"c"`
	Text      string   `json:"unsafe_c"`
	PageID    *int64   `json:"page_id"`
	AuthorID  int64    `json:"author_id"`
	CreatedAt api.Time `json:"created_at"`
	SubsiteID int64    `json:"-"`
}

// NewDiscussion validates a new Discussion widget: its val, an optional intro text shown above
// the posts, is read as a text widget's (format html or text, sanitized).
func NewDiscussion(in Input) (Content, error) {
	return in.Apply(Content{Classname: Discussion, Format: FormatHTML})
}

// bareURL is an http(s) URL in typed text; trailing punctuation is trimmed off by linkURL.
var bareURL = regexp.MustCompile(`(?i)\bhttps?://[^\s<>"]+`)

// PostHTML turns a message as a person typed it into the HTML of a post: special characters
// escaped, line breaks as <br>, bare http(s) URLs as links, sanitized with the comment policy.
// Errors name field; text makes no nesting, so none is expected.
func PostHTML(field, text string) (string, error) {
	var b strings.Builder
	rest := text
	for {
		loc := bareURL.FindStringIndex(rest)
		if loc == nil {
			b.WriteString(TextToHTML(rest))
			break
		}
		link := trimURL(rest[loc[0]:loc[1]])
		b.WriteString(TextToHTML(rest[:loc[0]]))
		fmt.Fprintf(&b, `<a href="%s">%s</a>`, html.EscapeString(link), html.EscapeString(link))
		rest = rest[loc[0]+len(link):]
	}
	return SanitizeComment(field, b.String())
}

// trimURL drops punctuation that ends a sentence rather than the URL: "see https://x.org/a." links
// https://x.org/a, and a closing parenthesis only when the URL opened one.
func trimURL(u string) string {
	for len(u) > 0 {
		last := u[len(u)-1]
		switch {
		case strings.IndexByte(".,;:!?'*", last) >= 0:
			u = u[:len(u)-1]
		case last == ')' && strings.Count(u, ")") > strings.Count(u, "("):
			u = u[:len(u)-1]
		default:
			return u
		}
	}
	return u
}

// CheckMessage validates the message of a new post (field names the parameter in errors): not
// blank, at most MaxPostRunes characters, valid UTF-8, and text of several lines under the rule
// of api.Text: a control character other than a line break or tab (NUL, which an HTML parser
// drops, so that "\x00" alone would make an empty post), or a bidirectional control, is refused.
// The message is stored as sent.
func CheckMessage(field, msg string) error {
	switch {
	case strings.TrimSpace(msg) == "":
		return api.Invalid(field, "The message is empty: send the text of the post in %q.", field)
	case !utf8.ValidString(msg):
		return api.Invalid(field, "The message is not valid UTF-8 text.")
	case utf8.RuneCountInString(msg) > MaxPostRunes:
		return api.Invalid(field, "The message is longer than %d characters.", MaxPostRunes)
	}
	_, err := api.Text(field, msg, 0)
	return err
}

// HasDiscussion reports whether the page has a Discussion widget (one not removed from it).
func HasDiscussion(ctx context.Context, db DBTX, pageID int64) (bool, error) {
	var ok bool
	err := db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM placements p JOIN widgets w ON w.id = p.current_id
		WHERE p.page_id = ? AND p.removed_at IS NULL AND w.classname = ?)`, pageID, Discussion).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("page %d has discussion: %w", pageID, err)
	}
	return ok, nil
}

// NewPost is a post to store: Text is the message as posted, HTML what PostHTML made of it.
// PageID 0 makes a post of the subsite's activity stream.
type NewPost struct {
	PageID    int64
	SubsiteID int64
	AuthorID  int64
	Text      string
	HTML      string
	Mentioned []int64 // members the message mentions, each once
}

// CreatePost stores a post of the page's discussion (or of the subsite's activity stream) and the
// members it mentions, in the caller's transaction, and returns it (without By and Avatar).
func CreatePost(ctx context.Context, tx DBTX, np NewPost, now api.Time) (*Post, error) {
	var pageID *int64
	if np.PageID != 0 {
		pageID = &np.PageID
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO posts (page_id, subsite_id, author_id, body_html, body_text, created_at)
		VALUES (?, ?, ?, ?, ?, ?)`, pageID, np.SubsiteID, np.AuthorID, np.HTML, np.Text, now)
	if err != nil {
		return nil, fmt.Errorf("create post: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return nil, err
	}
	for _, userID := range np.Mentioned {
		if _, err := tx.ExecContext(ctx, `INSERT INTO post_mentions (post_id, user_id) VALUES (?, ?)
			ON CONFLICT (post_id, user_id) DO NOTHING`, id, userID); err != nil {
			return nil, fmt.Errorf("create post: mention: %w", err)
		}
	}
	return &Post{ID: id, HTML: np.HTML, Text: np.Text, PageID: pageID, AuthorID: np.AuthorID,
		CreatedAt: now, SubsiteID: np.SubsiteID}, nil
}

// PostMentions returns the ids of the members the post mentions, in id order.
func PostMentions(ctx context.Context, db DBTX, postID int64) ([]int64, error) {
	ids, err := sqldb.Int64s(ctx, db, `SELECT user_id FROM post_mentions WHERE post_id = ? ORDER BY user_id LIMIT 10000`, postID)
	if err != nil {
		return nil, fmt.Errorf("mentions of post %d: %w", postID, err)
	}
	if ids == nil {
		ids = []int64{} // answered as [], not null
	}
	return ids, nil
}

// ListPosts returns posts of the page's discussion, newest first, or with q.Since those created
// at or after it, oldest first; and the cursor key that continues after them (to encode with
// api.EncodeCursor), or nil when none remain. A cursor of the other order is a validation error.
func ListPosts(ctx context.Context, db DBTX, pageID int64, q api.ListQuery) ([]*Post, []string, error) {
	return listPosts(ctx, db, `page_id = ?`, pageID, q)
}

// ListStreamPosts returns posts of the subsite's activity stream (not those of its pages'
// discussions), as ListPosts does a page's.
func ListStreamPosts(ctx context.Context, db DBTX, subsiteID int64, q api.ListQuery) ([]*Post, []string, error) {
	return listPosts(ctx, db, `subsite_id = ? AND page_id IS NULL`, subsiteID, q)
}

// listPosts lists the posts that match the condition owner on the value of arg.
func listPosts(ctx context.Context, db DBTX, owner string, arg int64, q api.ListQuery) ([]*Post, []string, error) {
	where := []string{owner}
	args := []any{arg}
	order := `id DESC`
	if want := map[bool]int{true: 2, false: 1}[q.Since != nil]; len(q.Cursor) != 0 && len(q.Cursor) != want {
		return nil, nil, api.Invalid("cursor", "Parameter \"cursor\" belongs to a list asked another way (with or without \"since\"); start again without it.")
	}
	if q.Since != nil {
		where = append(where, `created_at >= ?`)
		args = append(args, *q.Since)
		order = `created_at, id`
		if len(q.Cursor) == 2 {
			where = append(where, `(created_at > ? OR (created_at = ? AND id > ?))`)
			args = append(args, q.Cursor[0], q.Cursor[0], q.Cursor[1])
		}
	} else if len(q.Cursor) == 1 {
		where = append(where, `id < ?`)
		args = append(args, q.Cursor[0])
	}
	args = append(args, q.Limit+1)
	rows, err := db.QueryContext(ctx, `SELECT id, page_id, subsite_id, author_id, body_html, body_text, created_at FROM posts
		WHERE `+strings.Join(where, " AND ")+` ORDER BY `+order+` LIMIT ?`, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("list posts: %w", err)
	}
	defer rows.Close()
	out := []*Post{}
	for rows.Next() {
		p := &Post{}
		var author sql.NullInt64
		if err := rows.Scan(&p.ID, &p.PageID, &p.SubsiteID, &author, &p.HTML, &p.Text, &p.CreatedAt); err != nil {
			return nil, nil, fmt.Errorf("list posts: %w", err)
		}
		p.AuthorID = author.Int64
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("list posts: %w", err)
	}
	var next []string
	if len(out) > q.Limit {
		out = out[:q.Limit]
		last := out[len(out)-1]
		next = []string{strconv.FormatInt(last.ID, 10)}
		if q.Since != nil {
			next = []string{last.CreatedAt.Key(), next[0]}
		}
	}
	return out, next, nil
}

// CountPosts returns how many posts each page's discussion has; pages without posts are absent.
func CountPosts(ctx context.Context, db DBTX, pageIDs ...int64) (map[int64]int, error) {
	out := make(map[int64]int, len(pageIDs))
	if len(pageIDs) == 0 {
		return out, nil
	}
	args := make([]any, len(pageIDs))
	for i, id := range pageIDs {
		args[i] = id
	}
	rows, err := db.QueryContext(ctx, `SELECT page_id, COUNT(*) FROM posts WHERE page_id IN (`+sqldb.Placeholders(len(args))+`)
		GROUP BY page_id LIMIT ?`, append(args, len(args))...)
	if err != nil {
		return nil, fmt.Errorf("count posts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		out[id] = n
	}
	return out, rows.Err()
}
