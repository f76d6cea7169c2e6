package demo

import (
	"context"
	"fmt"
	"time"

	"tandem/internal/app"
	"tandem/internal/customer"
	"tandem/internal/money"
	"tandem/internal/order"
	"tandem/internal/store"
)

// demoProducts are the book's product list: SKU, name, category, unit
// price and unit cost in euro cents.
var demoProducts = []struct {
	sku, name, category string
	price, cost         int64
}{
	{"PAP-A4-500", "Copy paper A4, 500 sheets", "paper", 650, 410},
	{"PAP-A4-BOX", "Copy paper A4, box of 5 reams", "paper", 2900, 1900},
	{"PAP-A3-500", "Copy paper A3, 500 sheets", "paper", 1250, 820},
	{"TON-BK-HY", "Toner, black, high yield", "toner", 11900, 7400},
	{"TON-CL-SET", "Toner set, cyan magenta yellow", "toner", 28900, 19500},
	{"DRM-UNIT", "Imaging drum", "toner", 16500, 11800},
	{"PRN-MF-400", "Multifunction printer MF-400", "printers", 89000, 64000},
	{"PRN-LP-200", "Laser printer LP-200", "printers", 42000, 30500},
	{"SVC-CARE-12", "Care pack, 12 months", "service", 24000, 9000},
	{"SVC-INSTALL", "Installation on site", "service", 15000, 7000},
	{"ACC-STAPLE", "Staple cartridges, 5 pack", "accessories", 2400, 1100},
	{"ACC-TRAY-550", "Paper tray, 550 sheets", "accessories", 13900, 8800},
}

// orders adds the product list and 18 months of orders: Contoso buys
// every month, Northwind every other month, Fabrikam bought monthly and
// lapsed five months ago, and a sample of other accounts buys now and
// then. A few deliveries came late and broke their delivery promise; the
// last weeks' orders are still on order.
func (b *book) orders(ctx context.Context) error {
	mia, sam, sue := b.actors["mia@example.com"], b.actors["sam@example.com"], b.actors["sue@example.com"]
	b.clock = b.now.AddDate(0, -19, 0)
	var products []order.Product
	for _, d := range demoProducts {
		p, err := b.app.CreateProduct(ctx, mia, order.Product{SKU: d.sku, Name: d.name, Category: d.category, Active: true,
			UnitPrice: money.Money{Minor: d.price, Currency: "EUR"}, UnitCost: money.Money{Minor: d.cost, Currency: "EUR"}})
		if err != nil {
			return err
		}
		products = append(products, p)
	}
	accs, _, err := b.app.Accounts(ctx, mia, store.AccountFilter{}, store.Page{Limit: 500})
	if err != nil {
		return err
	}
	type pattern struct {
		every, until int // months between orders; the last month (ago) it orders
	}
	story := map[string]pattern{"Contoso": {1, 0}, "Northwind Traders": {2, 0}, "Fabrikam": {1, 5}}
	var buyers []customer.Account
	var patterns []pattern
	for i, a := range accs {
		if p, ok := story[a.Name]; ok {
			buyers, patterns = append(buyers, a), append(patterns, p)
		} else if i%10 == 3 && len(buyers) < 40 {
			buyers, patterns = append(buyers, a), append(patterns, pattern{2 + b.rng.IntN(4), b.rng.IntN(8)})
		}
	}
	late := 0
	for i, a := range buyers {
		p := patterns[i]
		seller := sam
		if a.OwnerID == sue.User.ID {
			seller = sue
		}
		for ago := 18; ago >= p.until; ago -= p.every {
			ordered := b.now.AddDate(0, -ago, 0).Add(-time.Duration(b.rng.IntN(20*24)) * time.Hour)
			if ordered.After(b.now) {
				continue
			}
			promised := ordered.Add(5 * 24 * time.Hour)
			in := app.OrderInput{AccountID: a.ID, OrderedAt: ordered, PromisedDeliveryAt: promised}
			for range 1 + b.rng.IntN(3) {
				prod := products[b.rng.IntN(len(products))]
				in.Lines = append(in.Lines, app.LineInput{ProductID: prod.ID, Quantity: int64(1 + b.rng.IntN(10))})
			}
			delivered := promised.Add(-time.Duration(b.rng.IntN(72)) * time.Hour)
			if (i*7+ago)%9 == 4 && late < 6 {
				delivered, late = promised.Add(time.Duration(24+b.rng.IntN(72))*time.Hour), late+1 // late: the promise breaks
			}
			switch {
			case delivered.After(b.now):
				in.Status = order.Placed
				b.clock = ordered.Add(time.Hour)
			default:
				in.Status, in.ShippedAt, in.DeliveredAt = order.Delivered, ordered.Add(24*time.Hour), delivered
				b.clock = delivered.Add(time.Hour)
			}
			if b.clock.After(b.now) {
				b.clock = b.now
			}
			if _, err := b.app.RecordOrder(ctx, seller, in); err != nil {
				return fmt.Errorf("demo order for %s: %w", a.Name, err)
			}
		}
	}
	b.clock = b.now
	return nil
}
