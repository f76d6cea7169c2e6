package app

import (
	"context"

	"tandem/internal/event"
)

// logged is the event of a logged interaction. An interaction is a line of
// the timeline and a row of its own, so its event references the row
// rather than copying it (docs/adr/0015-events-say-what-changed.md).
const logged = "interaction.logged"

// expand fills in what an event references: for a logged interaction, the
// interaction as it was logged.
func (a *App) expand(ctx context.Context, e *event.Event) error {
	if e.Kind != logged || e.After != nil {
		return nil
	}
	after, err := a.store.AsLogged(ctx, *e)
	e.After = after
	return err
}
