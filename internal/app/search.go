package app

import (
	"context"
	"strconv"
	"strings"
	"unicode/utf8"

	"tandem/internal/access"
	"tandem/internal/cases"
	"tandem/internal/customer"
	"tandem/internal/fault"
	"tandem/internal/store"
)

// SearchLimit is how many accounts and how many contacts a search shows.
const SearchLimit = 10

// Found is what a search finds: accounts by name, domain or external id;
// contacts by name or email; and the case whose number was typed.
type Found struct {
	Query        string
	Accounts     []customer.Account
	MoreAccounts bool // more accounts match than are shown
	Contacts     []FoundContact
	MoreContacts bool
	Case         *cases.Case
	CaseAccount  string // the name of the case's account
}

// FoundContact is a contact with the name of its account.
type FoundContact struct {
	customer.Contact
	AccountName string
}

// Search finds what the header's search box was asked for. "#1042" or
// "1042" names case 1042; any term is also looked for in the names,
// domains and external ids of accounts and the names and emails of
// contacts. It shows what the actor may read and nothing else.
func (a *App) Search(ctx context.Context, actor access.Actor, q string) (Found, error) {
	if err := actor.Require(access.ReadRecords, false); err != nil {
		return Found{}, err
	}
	q = strings.TrimSpace(q)
	out := Found{Query: q}
	if q == "" {
		return out, nil
	}
	if utf8.RuneCountInString(q) > 200 {
		return out, (&fault.Fields{{Field: "q", Message: "search for at most 200 characters"}}).Err()
	}
	if n, ok := caseNumber(q); ok {
		c, err := a.store.CaseByNumber(ctx, n)
		switch {
		case err == nil:
			out.Case = &c
			names, err := a.store.AccountNames(ctx, []string{c.AccountID})
			if err != nil {
				return out, err
			}
			out.CaseAccount = names[c.AccountID]
		case fault.KindOf(err) != fault.NotFound:
			return out, err
		}
	}
	accs, next, err := a.store.Accounts(ctx, store.AccountFilter{Q: q}, store.Page{Limit: SearchLimit})
	if err != nil {
		return out, err
	}
	out.Accounts, out.MoreAccounts = accs, next != ""
	contacts, err := a.store.SearchContacts(ctx, q, SearchLimit+1)
	if err != nil {
		return out, err
	}
	if len(contacts) > SearchLimit {
		contacts, out.MoreContacts = contacts[:SearchLimit], true
	}
	ids := make([]string, len(contacts))
	for i, c := range contacts {
		ids[i] = c.AccountID
	}
	names, err := a.store.AccountNames(ctx, ids)
	if err != nil {
		return out, err
	}
	for _, c := range contacts {
		out.Contacts = append(out.Contacts, FoundContact{Contact: c, AccountName: names[c.AccountID]})
	}
	return out, nil
}

// caseNumber reads "#1042" or "1042" as a case number.
func caseNumber(q string) (int64, bool) {
	q = strings.TrimSpace(strings.TrimPrefix(q, "#"))
	if q == "" || strings.ContainsAny(q, "+-") {
		return 0, false
	}
	n, err := strconv.ParseInt(q, 10, 64)
	return n, err == nil && n > 0
}

// ContactNames returns the names of contacts by id, for lists that show them.
func (a *App) ContactNames(ctx context.Context, actor access.Actor, ids []string) (map[string]string, error) {
	if err := actor.Require(access.ReadRecords, false); err != nil {
		return nil, err
	}
	return a.store.ContactNames(ctx, ids)
}
