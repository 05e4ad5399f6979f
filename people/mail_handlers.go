package people

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"quire/app/api"
	"quire/app/httpapi"
)

// mailRoutes registers invitations, the outbox and subsite settings.
func (s *Service) mailRoutes(r gin.IRoutes) {
	r.POST("/people/invite/", httpapi.WithSuccessField, SiteWideOnly, s.invite)
	r.GET("/mail/outbox/", SiteWideOnly, s.listOutbox)
	r.POST("/subsites/update/:subsite_id/", s.updateSubsiteHandler)
}

func (s *Service) invite(c *gin.Context) {
	actor := ActorFrom(c.Request.Context())
	p, err := httpapi.ParseParams(c)
	if err != nil {
		c.Error(err)
		return
	}
	p.Allow("email_address", "name", "auto_join", "skip_welcome_email")
	p.Require("email_address")
	in := NewInvite{Email: p.String("email_address"), Name: p.String("name"), AutoJoin: p.Bool("auto_join", true),
		SkipWelcome: p.Bool("skip_welcome_email", false), By: actor.User.ID}
	if err := p.Err(); err != nil {
		c.Error(err)
		return
	}
	if err := actor.Can(ManageSite, 0); err != nil {
		c.Error(err)
		return
	}
	u, err := s.Invite(c.Request.Context(), in)
	if err != nil {
		c.Error(err)
		return
	}
	s.answerPersonWrite(c, u.ID, nil, nil)
}

func (s *Service) listOutbox(c *gin.Context) {
	actor := ActorFrom(c.Request.Context())
	p, err := httpapi.ParseParams(c)
	if err != nil {
		c.Error(err)
		return
	}
	p.Allow("limit", "cursor")
	list := httpapi.ParseList(p)
	if err := p.Err(); err != nil {
		c.Error(err)
		return
	}
	if err := actor.Can(ManageSite, 0); err != nil {
		c.Error(err)
		return
	}
	httpapi.AnswerList(c, httpapi.List[*Mail]{DB: s.DB, Budget: s.Budget, Query: list, Read: s.ListOutbox})
}

// SubsiteChange is what subsites/update changes; nil fields stay as they are.
type SubsiteChange struct {
	Title, Description *string
	DefaultRole        *Role
	AutoJoin           *bool
}

// UpdateSubsite changes a subsite's title, description, default role or auto-join setting.
// Values it holds already change nothing: a subsite given nothing new is not written (so the
// people epoch that empties the permission caches does not move). Returns ErrSubsiteNotFound.
func (s *Service) UpdateSubsite(ctx context.Context, id int64, ch SubsiteChange) (*Subsite, error) {
	var sets, differs []string
	var args []any
	set := func(column string, value any) {
		sets, differs, args = append(sets, column+" = ?"), append(differs, column+" <> ?"), append(args, value)
	}
	if ch.Title != nil {
		title, err := validName("title", *ch.Title)
		if err != nil {
			return nil, err
		}
		set("title", title)
	}
	if ch.Description != nil {
		description, err := api.Text("description", *ch.Description, maxDescription)
		if err != nil {
			return nil, err
		}
		set("description", description)
	}
	if ch.DefaultRole != nil {
		set("default_role", string(*ch.DefaultRole))
	}
	if ch.AutoJoin != nil {
		set("auto_join", *ch.AutoJoin)
	}
	var sub *Subsite
	err := s.DB.Write(ctx, func(tx *sql.Tx) error {
		if len(sets) > 0 {
			_, err := tx.ExecContext(ctx, `UPDATE subsites SET `+strings.Join(sets, ", ")+` WHERE id = ? AND (`+
				strings.Join(differs, " OR ")+`)`, append(append(args, id), args...)...)
			if err != nil {
				return fmt.Errorf("update subsite: %w", err)
			}
		}
		var err error
		sub, err = s.scanSubsite(tx.QueryRowContext(ctx, `SELECT `+subsiteColumns+memberCountColumn+` FROM subsites s WHERE s.id = ?`, id), true)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrSubsiteNotFound
		}
		return err
	})
	return sub, err
}

func (s *Service) updateSubsiteHandler(c *gin.Context) {
	actor := ActorFrom(c.Request.Context())
	id, err := strconv.ParseInt(c.Param("subsite_id"), 10, 64)
	if err != nil || id <= 0 {
		c.Error(api.Invalid("subsite_id", "The subsite_id in the URL must be a positive integer, not %q.", c.Param("subsite_id")))
		return
	}
	p, err := httpapi.ParseParams(c)
	if err != nil {
		c.Error(err)
		return
	}
	p.Allow("title", "description", "default_role", "auto_join")
	ch := SubsiteChange{Title: p.OptString("title"), Description: p.OptString("description")}
	if p.Has("auto_join") {
		v := p.Bool("auto_join", false)
		ch.AutoJoin = &v
	}
	if r := p.OptString("default_role"); r != nil {
		role, ok := ParseRole(*r)
		if !ok {
			p.Fail(api.Invalid("default_role", "Parameter \"default_role\" must be viewer, editor or admin."))
		}
		ch.DefaultRole = &role
	}
	if err := p.Err(); err != nil {
		c.Error(err)
		return
	}
	// Admins of the subsite and owners; anyone else is told it does not exist, or not allowed.
	// auto_join puts every future invitee in the subsite, so only owners change it.
	if err := actor.Can(ManageMembers, id); err != nil {
		c.Error(err)
		return
	}
	if ch.AutoJoin != nil {
		if err := actor.Can(ManageSite, 0); err != nil {
			c.Error(api.Forbidden("Only site owners may change auto_join: it puts everyone invited from now on in this subsite."))
			return
		}
	}
	sub, err := s.UpdateSubsite(c.Request.Context(), id, ch)
	if err != nil {
		c.Error(err)
		return
	}
	httpapi.JSON(c, http.StatusOK, sub)
}
