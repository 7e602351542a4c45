package app

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/paystate/paystate/engine"
	"github.com/paystate/paystate/store"
)

// Operate runs the operator command args[0] ("payment", "undelivered",
// "unknown" or "balance") on the store of cfg, writing to out; "reload" asks the
// running server on cfg's operatorListen to reload its configuration. It works while the server
// runs: SQLite in WAL mode and PostgreSQL both allow a second process.
func Operate(ctx context.Context, cfg *Config, args []string, out io.Writer) error {
	if len(args) == 0 {
		return errors.New("no command; want payment, undelivered, unknown or balance")
	}
	if args[0] == "reload" {
		return reloadCommand(ctx, cfg, out)
	}
	if args[0] == "balance" {
		return balanceCommand(ctx, cfg, args[1:], out)
	}
	cmd, ok := operatorCommands[args[0]]
	if !ok {
		return errors.New("unknown command " + args[0] + "; want serve, payment, undelivered, unknown, balance or reload")
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.close()
	return cmd(ctx, st.store, args[1:], out)
}

var operatorCommands = map[string]func(ctx context.Context, st store.Store, args []string, out io.Writer) error{
	"payment":     showPayment,
	"undelivered": undelivered,
	"unknown":     unknownOutcomes,
}

// showPayment prints a payment, its refunds, its history and its
// notifications.
func showPayment(ctx context.Context, st store.Store, args []string, out io.Writer) error {
	if len(args) != 1 {
		return errors.New("usage: wallet payment PAYMENT_ID")
	}
	snap, err := st.GetPayment(ctx, args[0])
	if err != nil {
		return fmt.Errorf("payment %s: %w", args[0], err)
	}
	p := snap.Payment
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "payment\t%s\n", p.ID)
	fmt.Fprintf(tw, "partner / request\t%s / %s\n", p.PartnerID, p.RequestID)
	fmt.Fprintf(tw, "status\t%s %s\n", p.Status, p.FailReason)
	fmt.Fprintf(tw, "amount\t%s (refunded %s, held %s)\n", money(p.Currency, p.Amount), money(p.Currency, p.RefundedAmount), money(p.Currency, p.HeldAmount))
	fmt.Fprintf(tw, "scenario / user\t%s / %s\n", p.Scenario, p.UserID)
	fmt.Fprintf(tw, "created / expires\t%s / %s\n", stamp(p.CreatedAt), stamp(p.ExpiresAt))
	if p.Authorization {
		fmt.Fprintf(tw, "authorization\thold %s, captured %s (in flight %s), until %s\n", cmp.Or(p.HoldID, "-"),
			money(p.Currency, p.CapturedAmount), money(p.Currency, p.CapturingAmount), stamp(p.AuthExpiresAt))
	}
	if p.PendingOp != "" {
		fmt.Fprintf(tw, "in flight\t%s %s, next check %s\n", p.PendingOp, p.OpID, stamp(p.NextCheckAt))
	}
	_ = tw.Flush()
	for _, c := range snap.Captures {
		fmt.Fprintf(out, "capture %s (request %s): %s %s\n", c.ID, c.RequestID, money(c.Currency, c.Amount), c.Status)
	}
	for _, r := range snap.Refunds {
		fmt.Fprintf(out, "refund %s (request %s): %s %s\n", r.ID, r.RequestID, money(r.Currency, r.Amount), r.Status)
	}
	events, err := st.History(ctx, p.ID)
	if err != nil {
		return err
	}
	fmt.Fprintln(out, "history:")
	tw = tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	for _, e := range events {
		fmt.Fprintf(tw, "  %d\t%s\t%s\t%s -> %s\t%s\t%s\n", e.Seq, stamp(e.At), e.Name, e.From, e.To, e.RefundID, e.Detail)
	}
	_ = tw.Flush()
	msgs, err := st.Outbox(ctx, p.ID)
	if err != nil {
		return err
	}
	fmt.Fprintln(out, "notifications:")
	for _, m := range msgs {
		fmt.Fprintf(out, "  %s\n", describeMessage(m))
	}
	return nil
}

// undelivered lists parked notifications, or resends some.
func undelivered(ctx context.Context, st store.Store, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("undelivered", flag.ContinueOnError)
	fs.SetOutput(out)
	resend := fs.String("resend", "", "make the notification with this id due again now")
	all := fs.Bool("resend-all", false, "make every parked notification due again now")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *resend != "" {
		m, err := st.ResendOutbox(ctx, *resend, time.Now())
		if err != nil {
			return fmt.Errorf("resend %s: %w", *resend, err)
		}
		fmt.Fprintf(out, "due again: %s\n", describeMessage(m))
		return nil
	}
	n, after := 0, ""
	for {
		page, err := st.ParkedOutbox(ctx, after, 100)
		if err != nil {
			return err
		}
		for _, m := range page {
			after = m.ID
			if *all {
				resent, err := st.ResendOutbox(ctx, m.ID, time.Now())
				switch {
				case errors.Is(err, store.ErrDelivered):
					continue // delivered since it was listed
				case err != nil:
					return fmt.Errorf("resend %s: %w", m.ID, err)
				}
				m = resent
			}
			fmt.Fprintln(out, describeMessage(m))
			n++
		}
		if len(page) < 100 {
			break
		}
	}
	verb := "undelivered"
	if *all {
		verb = "resent"
	}
	fmt.Fprintf(out, "%d %s\n", n, verb)
	return nil
}

// unknownOutcomes lists funds operations still waiting for an answer.
func unknownOutcomes(ctx context.Context, st store.Store, args []string, out io.Writer) error {
	if len(args) != 0 {
		return errors.New("usage: wallet unknown")
	}
	checks, err := st.DueChecks(ctx, time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), 10_000)
	if err != nil {
		return err
	}
	for _, c := range checks {
		snap, err := st.GetPayment(ctx, c.PaymentID)
		if err != nil {
			return err
		}
		p := snap.Payment
		if c.CaptureID != "" {
			for _, k := range snap.Captures {
				if k.ID == c.CaptureID {
					fmt.Fprintf(out, "capture %s of payment %s: capture of %s, checked %d times, next %s\n",
						k.ID, p.ID, money(k.Currency, k.Amount), k.CheckAttempts, stamp(k.NextCheckAt))
				}
			}
			continue
		}
		if c.RefundID == "" {
			fmt.Fprintf(out, "payment %s: %s %s of %s, checked %d times, next %s\n",
				p.ID, p.PendingOp, p.OpID, money(p.Currency, p.Amount), p.CheckAttempts, stamp(p.NextCheckAt))
			continue
		}
		for _, r := range snap.Refunds {
			if r.ID == c.RefundID {
				fmt.Fprintf(out, "refund %s of payment %s: credit of %s, checked %d times, next %s\n",
					r.ID, p.ID, money(r.Currency, r.Amount), r.CheckAttempts, stamp(r.NextCheckAt))
			}
		}
	}
	fmt.Fprintf(out, "%d unknown outcomes\n", len(checks))
	return nil
}

// balanceCommand prints a user's money in the ledger, per currency: what
// is available and what holds set aside.
func balanceCommand(ctx context.Context, cfg *Config, args []string, out io.Writer) error {
	if len(args) != 1 {
		return errors.New("usage: wallet balance USER_ID")
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.close()
	l, err := sharedLedger(ctx, st)
	if err != nil {
		return err
	}
	balances, err := l.Balances(ctx, args[0])
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "currency\tavailable\theld\n")
	for _, b := range balances {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", b.Currency, money(b.Currency, b.Available), money(b.Currency, b.Held))
	}
	return tw.Flush()
}

func describeMessage(m store.OutboxMessage) string {
	state := "waiting, next attempt " + stamp(m.NextAttemptAt)
	switch {
	case !m.DeliveredAt.IsZero():
		state = "delivered " + stamp(m.DeliveredAt)
	case m.Parked:
		state = "PARKED"
	}
	s := fmt.Sprintf("%s payment %s %s to %s: %s after %d attempts", m.ID, m.PaymentID, m.Status, m.NotifyURL, state, m.Attempts)
	if m.LastError != "" && m.DeliveredAt.IsZero() {
		s += " (last error: " + m.LastError + ")"
	}
	return s
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}

// money writes an amount of minor units in major units with its currency,
// as people read it: "10.00 USD", "1000 JPY".
func money(currency string, minor int64) string {
	return engine.Money{Currency: currency, Minor: minor}.String()
}
