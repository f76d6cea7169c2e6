package demo

import (
	"context"
	"fmt"
	"time"

	"tandem/internal/cases"
	"tandem/internal/customer"
	"tandem/internal/promise"
	"tandem/internal/store"
	"tandem/internal/task"
)

// tasks adds the day's to-dos: Sam's call to Contoso about the rebate due
// today, a quote to Northwind gone overdue, a call Val asked him to make
// about Northwind's short delivery, one he did three days ago (on
// Contoso's timeline); Val's own checks, one overdue.
func (b *book) tasks(ctx context.Context) error {
	mia := b.actors["mia@example.com"]
	accs, _, err := b.app.Accounts(ctx, mia, store.AccountFilter{}, store.Page{Limit: 500})
	if err != nil {
		return err
	}
	byName := map[string]customer.Account{}
	for _, a := range accs {
		byName[a.Name] = a
	}
	// The first record of a kind at an account, as the task's cause.
	causeAt := func(name, kind string) task.Cause {
		acc, ok := byName[name]
		if !ok {
			return task.Cause{}
		}
		switch kind {
		case task.CausePromise:
			list, _, err := b.app.Promises(ctx, mia, store.PromiseFilter{AccountID: acc.ID, Statuses: promise.Pending}, store.Page{Limit: 1})
			if err == nil && len(list) > 0 {
				return task.Cause{Type: kind, ID: list[0].ID}
			}
		case task.CauseCase:
			list, _, err := b.app.Cases(ctx, mia, store.CaseFilter{AccountID: acc.ID, Statuses: cases.Unfinished}, store.Page{Limit: 1})
			if err == nil && len(list) > 0 {
				return task.Cause{Type: kind, ID: list[0].ID}
			}
		case task.CauseDeal:
			list, _, err := b.app.Deals(ctx, mia, store.DealFilter{AccountID: acc.ID, OpenOnly: true}, store.Page{Limit: 1})
			if err == nil && len(list) > 0 {
				return task.Cause{Type: kind, ID: list[0].ID}
			}
		}
		return task.Cause{}
	}
	zone := b.app.Zone()
	// The end of a day in the team's zone, days from the book's today.
	endOf := func(days int) time.Time {
		d := b.now.In(zone).AddDate(0, 0, days)
		return time.Date(d.Year(), d.Month(), d.Day(), 23, 59, 0, 0, zone)
	}
	list := []struct {
		account, by, owner string
		made               time.Duration // before now
		title, notes       string
		cause              string
		due                int // days from today
		doneAfter          time.Duration
	}{
		{"Contoso", "sam@example.com", "sam@example.com", 26 * time.Hour, "Call Contoso about the rebate",
			"Check with service that the €1,200 credit is booked before Thursday.", task.CausePromise, 0, 0},
		{"Northwind Traders", "sam@example.com", "sam@example.com", 5 * 24 * time.Hour, "Send Northwind the revised quote",
			"", task.CauseDeal, -2, 0},
		{"Northwind Traders", "val@example.com", "sam@example.com", 3 * time.Hour, "Ring Northwind's buyer about the short delivery",
			"They were upset on the phone; the four units ship tomorrow. Worth a call from you.", task.CauseCase, 1, 0},
		{"Contoso", "sam@example.com", "sam@example.com", 6 * 24 * time.Hour, "Confirm the renewal terms with Contoso",
			"", "", -3, 3 * 24 * time.Hour},
		{"Northwind Traders", "val@example.com", "val@example.com", 2 * 24 * time.Hour, "Check the replacement pallets are on the truck",
			"", task.CauseCase, -1, 0},
		{"Fabrikam", "val@example.com", "val@example.com", 20 * time.Hour, "Ask Fabrikam whether the motor runs quietly now",
			"", "", 0, 0},
		{"", "sue@example.com", "sue@example.com", 30 * time.Hour, "Update the Tailspin price list", "", "", 2, 0},
	}
	for _, x := range list {
		in := task.Task{Title: x.title, Notes: x.notes, OwnerID: b.actors[x.owner].User.ID, DueAt: endOf(x.due)}
		if x.account != "" {
			acc, ok := byName[x.account]
			if !ok {
				continue
			}
			in.AccountID = acc.ID
			if x.cause != "" {
				in.Cause = causeAt(x.account, x.cause)
			}
		}
		b.clock = b.now.Add(-x.made)
		t, err := b.app.CreateTask(ctx, b.actors[x.by], in)
		if err != nil {
			return fmt.Errorf("demo task %q: %w", x.title, err)
		}
		if x.doneAfter > 0 {
			b.clock = b.clock.Add(x.doneAfter)
			if _, err := b.app.CompleteTask(ctx, b.actors[x.owner], t.ID, 0); err != nil {
				return fmt.Errorf("demo task %q: %w", x.title, err)
			}
		}
	}
	return nil
}
