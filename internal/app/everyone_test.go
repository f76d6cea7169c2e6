package app_test

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"tandem/internal/access"
	"tandem/internal/cases"
	"tandem/internal/customer"
	"tandem/internal/fault"
	"tandem/internal/store"
	"tandem/internal/store/storetest"
)

// TestQuietCountsFromCreation: on both engines, an account created a
// moment ago is not one "nobody has talked to for 45 days"; one created 60
// days ago without a word since is, and so is one last talked to 50 days
// ago; one talked to yesterday is not.
func TestQuietCountsFromCreation(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		ctx := context.Background()
		now := *f.clock
		create := func(name string, at time.Time, talked ...time.Time) customer.Account {
			t.Helper()
			*f.clock = at
			acc, err := f.app.CreateAccount(ctx, f.sales, customer.Account{Name: name}, true)
			if err != nil {
				t.Fatal(err)
			}
			*f.clock = now
			for _, when := range talked {
				if _, err := f.app.LogInteraction(ctx, f.sales, customer.Interaction{AccountID: acc.ID, Channel: "phone", Direction: "out", Summary: "Call", OccurredAt: when}); err != nil {
					t.Fatal(err)
				}
			}
			return acc
		}
		create("Brand New", now.Add(-time.Minute))
		create("Quite New", now.AddDate(0, 0, -44))
		old := create("Old Silent", now.AddDate(0, 0, -60))
		lapsed := create("Lapsed", now.AddDate(0, 0, -90), now.AddDate(0, 0, -50))
		create("Busy", now.AddDate(0, 0, -90), now.AddDate(0, 0, -1))
		att, err := f.app.Attention(ctx, f.sales)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, q := range att.Quiet {
			got = append(got, q.Account.Name)
		}
		// The longest silence first: the account created 60 days ago
		// before the one last talked to 50 days ago.
		if want := []string{old.Name, lapsed.Name}; !slices.Equal(got, want) {
			t.Fatalf("quiet accounts: %q, want %q", got, want)
		}
		if !att.Quiet[0].LastTouchAt.IsZero() || !att.Quiet[1].LastTouchAt.Equal(now.AddDate(0, 0, -50)) {
			t.Fatalf("last touches: %+v", att.Quiet)
		}
	})
}

// TestSearch: on both engines, the search finds an account by part of its
// name, a contact by name and by email, a case by "#number" and "number";
// it does not list what does not match, and an actor whose access does not
// reach the records (a deactivated user, a token without a read scope) is
// refused and given nothing.
func TestSearch(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		ctx := context.Background()
		north, _ := f.app.CreateAccount(ctx, f.sales, customer.Account{Name: "Northwind Traders", Domain: "northwind.example"}, true)
		contoso, _ := f.app.CreateAccount(ctx, f.sales, customer.Account{Name: "Contoso"}, true)
		rosa, err := f.app.CreateContact(ctx, f.sales, customer.Contact{AccountID: contoso.ID, Name: "Rosa Andersen", Email: "Rosa.Andersen@contoso.example"}, true)
		if err != nil {
			t.Fatal(err)
		}
		c, err := f.app.OpenCase(ctx, f.service, cases.Case{AccountID: north.ID, Subject: "Pallets arrived short"})
		if err != nil {
			t.Fatal(err)
		}
		names := func(list []customer.Account) (out []string) {
			for _, a := range list {
				out = append(out, a.Name)
			}
			return out
		}
		found, err := f.app.Search(ctx, f.service, "northw")
		if err != nil || !slices.Equal(names(found.Accounts), []string{"Northwind Traders"}) || len(found.Contacts) != 0 || found.Case != nil {
			t.Fatalf("search for northw: %+v %v", found, err)
		}
		for _, q := range []string{"rosa", "andersen", "rosa.andersen@contoso", "ROSA.ANDERSEN@"} {
			found, err = f.app.Search(ctx, f.sales, q)
			if err != nil || len(found.Contacts) != 1 || found.Contacts[0].ID != rosa.ID || found.Contacts[0].AccountName != "Contoso" {
				t.Fatalf("search for %q: %+v %v", q, found.Contacts, err)
			}
		}
		for _, q := range []string{"#" + strconv.FormatInt(c.Number, 10), strconv.FormatInt(c.Number, 10), " # " + strconv.FormatInt(c.Number, 10)} {
			found, err = f.app.Search(ctx, f.sales, q)
			if err != nil || found.Case == nil || found.Case.ID != c.ID || found.CaseAccount != "Northwind Traders" {
				t.Fatalf("search for %q: %+v %v", q, found, err)
			}
		}
		for _, q := range []string{"#" + strconv.FormatInt(c.Number+1, 10), "-" + strconv.FormatInt(c.Number, 10), "fabrikam", "%", "", "   "} {
			found, err = f.app.Search(ctx, f.sales, q)
			if err != nil || found.Case != nil || len(found.Accounts) != 0 || len(found.Contacts) != 0 {
				t.Fatalf("search for %q found %+v %v", q, found, err)
			}
		}
		if _, err := f.app.Search(ctx, f.sales, fmt.Sprintf("%0201d", 1)); fault.KindOf(err) != fault.Invalid {
			t.Fatalf("a 201-character search: %v", err)
		}
		gone := f.sales
		gone.User.Active = false
		for name, actor := range map[string]access.Actor{"deactivated": gone, "no scope": {User: f.sales.User, Scope: ""}} {
			found, err := f.app.Search(ctx, actor, "northwind")
			if fault.KindOf(err) != fault.Forbidden || len(found.Accounts)+len(found.Contacts) != 0 || found.Case != nil {
				t.Errorf("%s: %+v %v, want forbidden and nothing", name, found, err)
			}
		}
	})
}

// TestAccountListSorts: on both engines, the account list sorts by name,
// tier, last contact and open cases, each way, breaking ties by name; it
// pages through in that order without a duplicate or a gap, forward by
// Next and back by Prev; the count is every account that matches.
func TestAccountListSorts(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		ctx := context.Background()
		type want struct {
			name  string
			tier  int
			last  int64 // -1: never
			cases int
		}
		var all []want
		tiers := customer.Tiers
		for i := range 13 {
			name := fmt.Sprintf("Sorted %c%02d", 'a'+(i*7)%13, i)
			tier := tiers[i%len(tiers)]
			acc, err := f.app.CreateAccount(ctx, f.sales, customer.Account{Name: name, Tier: tier}, true)
			if err != nil {
				t.Fatal(err)
			}
			w := want{name: acc.Name, tier: i % len(tiers), last: -1}
			if i%3 != 0 { // some accounts were never talked to; two share a last contact
				at := f.clock.Add(-time.Duration(i%5) * time.Hour)
				if _, err := f.app.LogInteraction(ctx, f.sales, customer.Interaction{AccountID: acc.ID, Channel: "phone", Direction: "out", Summary: "Call", OccurredAt: at}); err != nil {
					t.Fatal(err)
				}
				w.last = at.UnixMilli()
			}
			for j := range i % 4 {
				c, err := f.app.OpenCase(ctx, f.service, cases.Case{AccountID: acc.ID, Subject: "Broken"})
				if err != nil {
					t.Fatal(err)
				}
				if j == 2 { // a finished case does not count
					if _, err := f.app.TransitionCase(ctx, f.service, c.ID, cases.Transition{To: cases.Resolved, Solution: "Fixed"}, 0); err != nil {
						t.Fatal(err)
					}
				} else {
					w.cases++
				}
			}
			all = append(all, w)
		}
		if _, err := f.app.CreateAccount(ctx, f.sales, customer.Account{Name: "Unrelated"}, true); err != nil {
			t.Fatal(err)
		}
		key := map[string]func(w want) int64{
			store.SortName:        func(want) int64 { return 0 },
			store.SortTier:        func(w want) int64 { return int64(w.tier) },
			store.SortLastContact: func(w want) int64 { return w.last },
			store.SortOpenCases:   func(w want) int64 { return int64(w.cases) },
		}
		for _, sort := range store.AccountSorts {
			for _, desc := range []bool{false, true} {
				expected := slices.Clone(all)
				slices.SortFunc(expected, func(a, b want) int {
					c := cmp.Compare(key[sort](a), key[sort](b))
					if c == 0 {
						c = strings.Compare(customer.NameKey(a.name), customer.NameKey(b.name))
					}
					if desc {
						c = -c
					}
					return c
				})
				var wantNames []string
				for _, w := range expected {
					wantNames = append(wantNames, w.name)
				}
				filter := store.AccountFilter{Q: "sorted", Sort: sort, Desc: desc}
				var pages [][]string
				cursor := ""
				for range 10 {
					page, err := f.app.AccountPage(ctx, f.sales, filter, store.Page{Cursor: cursor, Limit: 4})
					if err != nil {
						t.Fatal(err)
					}
					if page.Total != len(all) {
						t.Fatalf("%s desc=%v: count %d, want %d", sort, desc, page.Total, len(all))
					}
					if (cursor == "") != (page.Prev == "") {
						t.Fatalf("%s desc=%v page %d: previous %q", sort, desc, len(pages), page.Prev)
					}
					var names []string
					for _, a := range page.Accounts {
						names = append(names, a.Name)
					}
					pages = append(pages, names)
					if cursor = page.Next; cursor == "" {
						break
					}
				}
				if got := slices.Concat(pages...); !slices.Equal(got, wantNames) {
					t.Fatalf("%s desc=%v:\n got %q\nwant %q", sort, desc, got, wantNames)
				}
				// Back from the last page, page by page, to the first.
				last, err := f.app.AccountPage(ctx, f.sales, filter, store.Page{Cursor: "", Limit: 4})
				if err != nil {
					t.Fatal(err)
				}
				for range len(pages) - 1 {
					if last, err = f.app.AccountPage(ctx, f.sales, filter, store.Page{Cursor: last.Next, Limit: 4}); err != nil {
						t.Fatal(err)
					}
				}
				page := last
				for i := len(pages) - 1; ; i-- {
					var names []string
					for _, a := range page.Accounts {
						names = append(names, a.Name)
					}
					if !slices.Equal(names, pages[i]) {
						t.Fatalf("%s desc=%v: back on page %d got %q, want %q", sort, desc, i, names, pages[i])
					}
					if i == 0 {
						if page.Prev != "" {
							t.Fatalf("%s desc=%v: the first page read back has a previous page", sort, desc)
						}
						break
					}
					if page, err = f.app.AccountPage(ctx, f.sales, filter, store.Page{Cursor: page.Prev, Limit: 4}); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
		if _, err := f.app.AccountPage(ctx, f.sales, store.AccountFilter{Sort: "owner"}, store.Page{}); fault.KindOf(err) != fault.Invalid {
			t.Fatalf("sorting by owner: %v, want invalid", err)
		}
		page, err := f.app.AccountPage(ctx, f.sales, store.AccountFilter{}, store.Page{Limit: 50})
		if err != nil || page.Total != len(all)+1 || len(page.Accounts) != len(all)+1 || page.Next != "" || page.Prev != "" {
			t.Fatalf("the whole list: %d of %d, next %q prev %q, %v", len(page.Accounts), page.Total, page.Next, page.Prev, err)
		}
	})
}
