package links

// The public side of a link: what someone without an account reaches through its secret. Each
// function here takes a link OpenLink found live, and reaches only that link's page and the files
// on it.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"

	"golang.org/x/crypto/bcrypt"

	"quire/app/api"
	"quire/pages"
	"quire/people"
	"quire/widgets"
)

// Shared is a live link opened by its secret, with its page's subsite.
type Shared struct {
	*Link
	Subsite *people.Subsite
}

// OpenLink returns the link whose secret is secret, if it is live: not revoked, not expired,
// and its page not in the trash. Returns ErrLinkNotFound otherwise, whatever the reason, so that
// the answer tells a guesser nothing.
func (s *Service) OpenLink(ctx context.Context, secret string) (*Shared, error) {
	if len(secret) != 43 { // 32 bytes in base64url
		return nil, ErrLinkNotFound
	}
	l, err := s.scanLink(s.Pages.DB.R.QueryRowContext(ctx, `SELECT `+linkColumns+` FROM share_links l WHERE l.secret_sha256 = ?`,
		secretDigest(secret)))
	if errors.Is(err, sql.ErrNoRows) || err == nil && !l.Active {
		return nil, ErrLinkNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("open link: %w", err)
	}
	sub, err := s.Pages.People.FindSubsiteByID(ctx, s.Pages.DB.R, l.SubsiteID)
	if err == nil {
		_, err = s.Pages.FindPage(ctx, s.Pages.DB.R, sub, l.PageID)
	}
	if errors.Is(err, pages.ErrPageNotFound) || errors.Is(err, people.ErrNotFound) {
		return nil, ErrLinkNotFound
	}
	if err != nil {
		return nil, err
	}
	return &Shared{Link: l, Subsite: sub}, nil
}

// CheckPassword reports whether password is the link's (always true for a link without one).
func (sh *Shared) CheckPassword(password string) bool {
	if !sh.HasPassword {
		return true
	}
	return bcrypt.CompareHashAndPassword([]byte(sh.passwordHash), []byte(password)) == nil
}

// PasswordStamp is a short digest of the link's password hash, which the signed cookie of a
// passed password form carries: a link's password cannot change, but a cookie of one link can
// then never open another.
func (sh *Shared) PasswordStamp() string { return secretDigest(sh.passwordHash)[:16] }

// reader returns who a link reads its page as: a viewer of the link's subsite alone, with a
// read-only credential, so that the page is read by the same operation (pages.ReadPage), with
// its bounds, as for a member, and nothing else could be read with it.
func (sh *Shared) reader() *people.Actor {
	return people.NewActor(&people.User{Name: "share link"}, &people.Token{Scopes: []string{people.ScopePagesRead}},
		map[int64]people.Role{sh.SubsiteID: people.RoleViewer})
}

// ReadSharedPage returns the link's page with its widgets, as the web's page view reads it.
// Returns ErrLinkNotFound when the page went to the trash meanwhile, and pages.ReadPage's
// errors (too large, busy).
func (s *Service) ReadSharedPage(ctx context.Context, sh *Shared) (*pages.Page, error) {
	p, err := s.Pages.ReadPage(ctx, sh.reader(), sh.Subsite, sh.PageID)
	if errors.Is(err, pages.ErrPageNotFound) {
		return nil, ErrLinkNotFound
	}
	return p, err
}

// OpenSharedFile returns a file shown on the link's page now, and its content, which the caller
// closes: a file of one of its Image widgets (shown whatever the link allows), or of one of its
// Attachment widgets, when the link allows downloads. Old versions' files, other pages' files
// and other subsites' are not found (widgets.ErrFileNotFound); an attachment of a link that
// does not allow downloads is a forbidden error. download reports whether it is an attachment.
func (s *Service) OpenSharedFile(ctx context.Context, sh *Shared, fileID int64) (f *widgets.StoredFile, blob *os.File, download bool, err error) {
	p, err := s.ReadSharedPage(ctx, sh)
	if err != nil {
		return nil, nil, false, err
	}
	kind := ""
	for _, col := range *p.JSON {
		for _, w := range col {
			if (w.Classname != widgets.Image && w.Classname != widgets.Attachment) || w.Files == nil {
				continue
			}
			for _, file := range *w.Files {
				if file.ID == fileID && kind != widgets.Image { // an image shown anywhere is shown
					kind = w.Classname
				}
			}
		}
	}
	switch {
	case kind == "":
		return nil, nil, false, widgets.ErrFileNotFound
	case kind == widgets.Attachment && !sh.AllowDownload:
		return nil, nil, true, errDownloadRefused
	}
	f, blob, err = s.Pages.OpenFile(ctx, sh.reader(), sh.Subsite, fileID)
	if err != nil {
		return nil, nil, false, err
	}
	if f.PageID != sh.PageID { // cannot be: the page lists it; said again where it matters
		blob.Close()
		return nil, nil, false, widgets.ErrFileNotFound
	}
	return f, blob, kind == widgets.Attachment, nil
}

// RecordView records a view of the link's page (fileID nil) or a download of one of its files,
// with the email the viewer gave ("" for none), in one transaction.
func (s *Service) RecordView(ctx context.Context, sh *Shared, email string, fileID *int64) error {
	var mail any
	if email != "" {
		mail = email
	}
	return s.Pages.DB.Write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO share_link_views (link_id, viewed_at, email, download, file_id) VALUES (?, ?, ?, ?, ?)`,
			sh.ID, api.NewTime(s.Pages.DB.Now()), mail, fileID != nil, fileID)
		if err != nil {
			return fmt.Errorf("record view of link %d: %w", sh.ID, err)
		}
		return nil
	})
}
