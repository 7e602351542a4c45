package pgstore

import (
	"fmt"
	"strings"
)

// queries is every SQL statement a Store runs, built once for its schema.
// The texts are constant per schema, so pgx prepares each once per
// connection and reuses it.
type queries struct {
	insertPayment, updatePayment string
	insertRefund, updateRefund   string
	insertCapture, updateCapture string
	insertEvent, insertOutbox    string

	paymentByID, paymentByRequest string
	loadPayment, loadPaymentByReq string
	refundByID, refundByRequest   string
	captureByRequest              string
	history, outbox               string

	dueExpiries, dueChecks string

	claimOutbox, recordDelivery, outboxLeaseOwner string

	parkedOutbox, outboxParkedKey, resendOutbox, outboxDelivered string
	outboxBacklog                                                string
}

func newQueries(schema string) queries {
	payments, refunds := qualify(schema, "payments"), qualify(schema, "refunds")
	captures := qualify(schema, "captures")
	events, outbox := qualify(schema, "events"), qualify(schema, "outbox")
	cols := func(prefix string, names []string) string {
		if prefix == "" {
			return strings.Join(names, ", ")
		}
		return prefix + strings.Join(names, ", "+prefix)
	}

	// A payment with its refunds and captures, in one statement and so
	// one snapshot. The lateral subquery gives one row per refund (its
	// capture columns NULL) and one per capture (its refund columns NULL);
	// a payment with neither is one row whose child columns are all NULL.
	// Ordered by seq, which is the creation order within each table: the
	// refunds and the captures are collected apart.
	children := func(refundsFrom, capturesWhere string) string {
		return " FROM " + payments + " p LEFT JOIN LATERAL (" +
			"SELECT r.seq, " + aliased("r.", "r_", refundColumns) + ", " + nulls("c_", captureColumns) +
			" FROM " + refundsFrom + " WHERE r.payment_id = p.id" +
			" UNION ALL " +
			"SELECT c.seq, " + nulls("r_", refundColumns) + ", " + cols("c.", captureColumns) +
			" FROM " + captures + " c WHERE c.payment_id = p.id" + capturesWhere +
			") x ON true"
	}
	childColumns := ", " + cols("x.r_", refundColumns) + ", " + cols("x.c_", captureColumns)
	paymentWithChildren := "SELECT " + cols("p.", paymentColumns) + childColumns +
		children(refunds+" r", "") + " WHERE %s ORDER BY x.seq"
	// A payment with at most the one refund $2 names (none for '') and
	// its captures, in one statement, served by the primary keys and
	// captures_by_payment whatever the payment's other refunds: OFFSET 0
	// keeps the refund's lookup a subquery of its own, so that the
	// planner cannot walk refunds_by_payment instead (it did, on stale
	// statistics, reading every refund of the payment). The captures are
	// read only when the payment counts some (store.PaymentStore's
	// LoadPayment), which PostgreSQL checks once, before it scans.
	paymentWithRefund := "SELECT " + cols("p.", paymentColumns) + childColumns +
		children("(SELECT * FROM "+refunds+" WHERE id = $2 OFFSET 0) r", " AND p.capture_count > 0") +
		" WHERE p.id = $1 ORDER BY x.seq"

	return queries{
		insertPayment: insertSQL(payments, paymentColumns),
		// Guarded by the version; the request key never changes and is
		// returned so that Commit can refuse a change of it.
		updatePayment: updateSQL(payments, paymentColumns[paymentKeyColumns:], "id = $1 AND version = $2") +
			" RETURNING partner_id, request_id",
		insertRefund: insertSQL(refunds, refundColumns),
		// Guarded by the payment; the request key is returned as above.
		// The guard is written so that only refunds_pkey can serve it:
		// payment_id || '' is no index's key, so the planner never walks
		// the payment's refunds in refunds_by_payment to find one.
		updateRefund: updateSQL(refunds, refundColumns[refundKeyColumns:], "id = $1 AND payment_id || '' = $2") +
			" RETURNING partner_id, request_id",
		insertCapture: insertSQL(captures, captureColumns),
		// Guarded by the payment and written for captures_pkey alone, as
		// updateRefund.
		updateCapture: updateSQL(captures, captureColumns[captureKeyColumns:], "id = $1 AND payment_id || '' = $2") +
			" RETURNING partner_id, request_id",
		insertEvent:  insertSQL(events, eventColumns),
		insertOutbox: insertSQL(outbox, outboxColumns),

		paymentByID:      fmt.Sprintf(paymentWithChildren, "p.id = $1"),
		paymentByRequest: fmt.Sprintf(paymentWithChildren, "p.partner_id = $1 AND p.request_id = $2"),
		loadPayment:      paymentWithRefund,
		loadPaymentByReq: "SELECT " + cols("", paymentColumns) + " FROM " + payments + " WHERE partner_id = $1 AND request_id = $2",
		refundByID:       "SELECT " + cols("", refundColumns) + " FROM " + refunds + " WHERE id = $1",
		refundByRequest:  "SELECT " + cols("", refundColumns) + " FROM " + refunds + " WHERE partner_id = $1 AND request_id = $2",
		captureByRequest: "SELECT " + cols("", captureColumns) + " FROM " + captures + " WHERE partner_id = $1 AND request_id = $2",
		history:          "SELECT " + cols("", eventColumns) + " FROM " + events + " WHERE payment_id = $1 ORDER BY seq, id",
		outbox:           "SELECT " + cols("", outboxColumns) + " FROM " + outbox + " WHERE payment_id = $1 ORDER BY pos",

		// Each arm is served by its partial index (payments_due_expiry,
		// payments_due_auth_expiry) and stops after $2 rows; the merge
		// sorts at most 2*$2 rows. A payment is in one arm at most (its
		// status). The second arm repeats the condition of
		// payments_due_auth_expiry word for word.
		dueExpiries: "SELECT id FROM (" +
			"(SELECT expires_at AS at, id FROM " + payments +
			" WHERE status = 'ACCEPT' AND expires_at <= $1 ORDER BY expires_at, id LIMIT $2)" +
			" UNION ALL " +
			"(SELECT auth_expires_at, id FROM " + payments +
			" WHERE status = 'AUTHORIZED' AND capturing_amount = 0 AND auth_expires_at <= $1 ORDER BY auth_expires_at, id LIMIT $2)" +
			") due ORDER BY at, id LIMIT $2",
		// Each arm is served by its partial index (payments_due_check,
		// refunds_due_check, captures_due_check) and stops after $2 rows;
		// the merge sorts at most 3*$2 rows.
		dueChecks: "SELECT payment_id, refund_id, capture_id FROM (" +
			"(SELECT next_check_at AS at, id AS payment_id, ''::text COLLATE \"C\" AS refund_id, ''::text COLLATE \"C\" AS capture_id FROM " + payments +
			" WHERE pending_op <> '' AND next_check_at <= $1 ORDER BY next_check_at, id LIMIT $2)" +
			" UNION ALL " +
			"(SELECT next_check_at, payment_id, id, '' FROM " + refunds +
			" WHERE status = 'INIT' AND next_check_at <= $1 ORDER BY next_check_at, payment_id, id LIMIT $2)" +
			" UNION ALL " +
			"(SELECT next_check_at, payment_id, '', id FROM " + captures +
			" WHERE status = 'INIT' AND next_check_at <= $1 ORDER BY next_check_at, payment_id, id LIMIT $2)" +
			") due ORDER BY at, payment_id, refund_id, capture_id LIMIT $2",

		// $1 owner, $2 lease until, $3 now, $4 limit, $5 partners to skip
		// (never NULL: <> ALL of NULL excludes every row). The inner
		// SELECT is served by outbox_claimable; SKIP LOCKED lets concurrent
		// claimers pass each other's rows, and FOR UPDATE re-checks a row
		// changed by a claimer that committed meanwhile, so no row is
		// leased twice.
		claimOutbox: "WITH claimed AS (UPDATE " + outbox + " o SET lease_owner = $1, lease_until = $2" +
			" FROM (SELECT id FROM " + outbox +
			" WHERE delivered_at IS NULL AND NOT parked AND next_attempt_at <= $3" +
			" AND (lease_owner = '' OR lease_until IS NULL OR lease_until <= $3)" +
			" AND partner_id <> ALL($5::text[])" +
			" ORDER BY next_attempt_at, created_at NULLS FIRST, id LIMIT $4 FOR UPDATE SKIP LOCKED) due" +
			" WHERE o.id = due.id RETURNING " + cols("o.", outboxColumns) + ")" +
			" SELECT " + cols("", outboxColumns) + " FROM claimed ORDER BY next_attempt_at, created_at NULLS FIRST, id",
		// $1 id, $2 owner, $3 error, $4 delivered, $5 at, $6 park,
		// $7 next attempt: the branches of store.Delivery.
		recordDelivery: "UPDATE " + outbox + " SET attempts = attempts + 1, last_error = $3," +
			" delivered_at = CASE WHEN $4 THEN $5 ELSE delivered_at END," +
			" parked = parked OR ($6 AND NOT $4)," +
			" next_attempt_at = CASE WHEN $4 OR $6 THEN next_attempt_at ELSE $7 END," +
			" lease_owner = '', lease_until = NULL" +
			" WHERE id = $1 AND lease_owner = $2 AND lease_owner <> ''",
		outboxLeaseOwner: "SELECT lease_owner FROM " + outbox + " WHERE id = $1",

		// $1 and $2 the cursor's key (see outboxParkedKey), $3 limit.
		// Served by outbox_parked, from the cursor on.
		parkedOutbox: "SELECT " + cols("", outboxColumns) + " FROM " + outbox +
			" WHERE parked AND delivered_at IS NULL AND (" + parkedKey + ", id) > ($1, $2)" +
			" ORDER BY " + parkedKey + ", id LIMIT $3",
		outboxParkedKey: "SELECT " + parkedKey + " FROM " + outbox + " WHERE id = $1",
		// $1 id, $2 now. The lease is left alone.
		resendOutbox: "UPDATE " + outbox + " SET next_attempt_at = $2, parked = false" +
			" WHERE id = $1 AND delivered_at IS NULL RETURNING " + cols("", outboxColumns),
		outboxDelivered: "SELECT delivered_at IS NOT NULL FROM " + outbox + " WHERE id = $1",
		// $1 now, $2 limit. Both counts from outbox_claimable, in one
		// snapshot.
		outboxBacklog: "SELECT" +
			" (SELECT count(*) FROM (SELECT 1 FROM " + outbox +
			" WHERE delivered_at IS NULL AND NOT parked AND next_attempt_at <= $1 LIMIT $2) due)," +
			" (SELECT count(*) FROM (SELECT 1 FROM " + outbox +
			" WHERE delivered_at IS NULL AND NOT parked AND next_attempt_at > $1 LIMIT $2) waiting)",
	}
}

// parkedKey is the leading key of the outbox_parked index (migration 0002)
// and of ParkedOutbox's order: created_at with NULL (the zero time) first.
const parkedKey = "coalesce(created_at, '-infinity'::timestamptz)"

// insertSQL is INSERT INTO table (columns) VALUES ($1, ...).
func insertSQL(table string, columns []string) string {
	return "INSERT INTO " + table + " (" + strings.Join(columns, ", ") + ") VALUES (" + placeholders(1, len(columns)) + ")"
}

// aliased is "<table>name AS <prefix>name, ..." for each of names.
func aliased(table, prefix string, names []string) string {
	var b strings.Builder
	for i, name := range names {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(table + name + " AS " + prefix + name)
	}
	return b.String()
}

// nulls is "NULL AS <prefix>name, ..." for each of names: the columns of a
// table a row of a UNION leaves empty.
func nulls(prefix string, names []string) string {
	var b strings.Builder
	for i, name := range names {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("NULL AS " + prefix + name)
	}
	return b.String()
}

// updateSQL is UPDATE table SET (columns) = ROW($3, ...) WHERE where, for a
// where clause that uses $1 and $2.
func updateSQL(table string, columns []string, where string) string {
	return "UPDATE " + table + " SET (" + strings.Join(columns, ", ") + ") = ROW(" + placeholders(3, len(columns)) + ") WHERE " + where
}

// placeholders is "$from, $from+1, ..." for n parameters.
func placeholders(from, n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "$%d", from+i)
	}
	return b.String()
}
