package people

import (
	"quire/app/api"
	"quire/people/mail"
)

// OutboxReader returns the reader of the site's outbox (mail.ListOutbox), newest first, for
// actor: site owners only. Returns actor.Can's errors.
func (s *Service) OutboxReader(actor *Actor) (api.ListReader[*mail.Mail], error) {
	if err := actor.Can(ManageSite, 0); err != nil {
		return nil, err
	}
	return mail.ListOutbox, nil
}
