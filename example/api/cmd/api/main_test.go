package main

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestReady(t *testing.T) {
	down := func(context.Context, string) error { return errors.New("connection refused") }
	up := func(context.Context, string) error { return nil }
	cases := []struct {
		name     string
		database string
		check    func(context.Context, string) error
		want     int
	}{
		{"no database configured", "", down, http.StatusOK},
		{"database answers", "db:5432", up, http.StatusOK},
		{"database down", "db:5432", down, http.StatusServiceUnavailable},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			newHandler(config{database: tc.database}, tc.check).ServeHTTP(rec, httptest.NewRequest("GET", "/ready", nil))
			if rec.Code != tc.want {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.want, rec.Body)
			}
		})
	}
}

func TestHealth(t *testing.T) {
	rec := httptest.NewRecorder()
	newHandler(config{}, nil).ServeHTTP(rec, httptest.NewRequest("GET", "/health", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d", rec.Code)
	}
}

func TestAwaitDatabase(t *testing.T) {
	calls := 0
	upOnThird := func(context.Context, string) error {
		calls++
		if calls < 3 {
			return errors.New("connection refused")
		}
		return nil
	}
	if got := awaitDatabase(config{database: "db:5432"}, 5*time.Second, upOnThird); got != 0 || calls != 3 {
		t.Fatalf("awaitDatabase = %d after %d checks, want 0 after 3", got, calls)
	}
	down := func(context.Context, string) error { return errors.New("connection refused") }
	if got := awaitDatabase(config{database: "db:5432"}, 0, down); got != 1 {
		t.Fatalf("awaitDatabase on a database that never answers = %d, want 1", got)
	}
	if got := awaitDatabase(config{}, time.Second, down); got != 1 {
		t.Fatalf("awaitDatabase without DATABASE_HOST = %d, want 1", got)
	}
}
