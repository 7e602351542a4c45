package pgstore

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestRedactDSN(t *testing.T) {
	cases := []struct{ dsn, want string }{
		{"postgres://paystate:s3cret@db.example:5432/paystate?sslmode=disable",
			"postgres://paystate:xxxxx@db.example:5432/paystate?sslmode=disable"},
		{"postgresql://u:s3cret@h1:5432,h2:5433/db", "postgresql://u:xxxxx@h1:5432,h2:5433/db"},
		{"postgres://u:s%33cret@h/db", "postgres://u:xxxxx@h/db"},
		{"postgres://u:s3c@ret@h/db", "postgres://u:xxxxx@h/db"}, // '@' unescaped in the password
		{"postgres://u:s3c/ret@h/db", "postgres://u:xxxxx@h/db"}, // '/' unescaped
		{"postgres://u:s3c?ret@h/db", "postgres://u:xxxxx@h/db"}, // '?' unescaped
		{"postgres://u@h/db?password=s3cret&sslmode=require", "postgres://u@h/db?password=xxxxx&sslmode=require"},
		{"postgres://u@h/db?sslmode=require&PASSWORD=s3cret", "postgres://u@h/db?sslmode=require&PASSWORD=xxxxx"},
		{"postgres://u@h/db?sslpassword=s3cret", "postgres://u@h/db?sslpassword=xxxxx"},
		{"postgres://u:s3cret@h/db?password=s3cret", "postgres://u:xxxxx@h/db?password=xxxxx"},
		{"postgres://h:5432/db?sslmode=disable", "postgres://h:5432/db?sslmode=disable"},
		{"postgres://u@h/db", "postgres://u@h/db"},
		{"host=h user=u password=s3cret dbname=d", "host=h user=u password=xxxxx dbname=d"},
		{"password=s3cret host=h", "password=xxxxx host=h"},
		{"host=h password = s3cret dbname=d", "host=h password = xxxxx dbname=d"},
		{"host=h password='s3cret with spaces' dbname=d", "host=h password=xxxxx dbname=d"},
		{`host=h password='s3cret \' quoted' dbname=d`, "host=h password=xxxxx dbname=d"},
		{`host=h password=s3cret\ escaped dbname=d`, "host=h password=xxxxx dbname=d"},
		{"host=h sslpassword=s3cret", "host=h sslpassword=xxxxx"},
		{"host=h PassWord=s3cret", "host=h PassWord=xxxxx"},
		{"host=h user=u dbname=d", "host=h user=u dbname=d"},
		{"", ""},
	}
	for _, c := range cases {
		got := RedactDSN(c.dsn)
		require.Equal(t, c.want, got, "RedactDSN(%q)", c.dsn)
		require.NotContains(t, got, "s3c", "RedactDSN(%q)", c.dsn)
		if strings.Contains(c.dsn, "s3c") {
			require.Contains(t, got, redacted)
		}
	}
}
