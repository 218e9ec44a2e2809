// Command api is the example service that build-and-deploy ships: a small HTTP API with a liveness endpoint
// (/health), a readiness endpoint that checks PostgreSQL when one is configured (/ready), and a self-probe
// (-healthcheck) so the image needs no shell or curl for its HEALTHCHECK.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// version is set at build time (-ldflags -X main.version=...).
var version = "dev"

type config struct {
	port string
	// database is host:port of PostgreSQL; empty when the service runs without one.
	database string
}

func loadConfig() config {
	c := config{port: envOr("PORT", "8080")}
	if host := os.Getenv("DATABASE_HOST"); host != "" {
		c.database = net.JoinHostPort(host, envOr("DATABASE_PORT", "5432"))
	}
	return c
}

func envOr(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}

// checkPostgres asks the server whether it speaks TLS (an SSLRequest): any PostgreSQL answers 'S' or 'N'
// without credentials, so readiness proves the database answers, not just that a port is open.
func checkPostgres(ctx context.Context, address string) error {
	var dialer net.Dialer
	conn, err := dialer.DialContext(ctx, "tcp", address)
	if err != nil {
		return err
	}
	defer conn.Close()
	if deadline, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(deadline)
	}
	if _, err := conn.Write([]byte{0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f}); err != nil {
		return err
	}
	reply := make([]byte, 1)
	if _, err := io.ReadFull(conn, reply); err != nil {
		return err
	}
	if reply[0] != 'S' && reply[0] != 'N' {
		return fmt.Errorf("%s answered %q, not like PostgreSQL", address, reply[0])
	}
	return nil
}

func newHandler(c config, check func(context.Context, string) error) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /ready", func(w http.ResponseWriter, r *http.Request) {
		if c.database == "" {
			writeJSON(w, http.StatusOK, map[string]string{"status": "ready", "database": "not configured"})
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), time.Second)
		defer cancel()
		if err := check(ctx, c.database); err != nil {
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "not ready", "database": err.Error()})
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"status": "ready", "database": "ok"})
	})
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"service": "api", "version": version})
	})
	return mux
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

// probe is the HEALTHCHECK: the image has no shell, so the binary checks itself.
func probe(port string) int {
	client := http.Client{Timeout: 2 * time.Second}
	resp, err := client.Get("http://127.0.0.1:" + port + "/health")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintln(os.Stderr, "health:", resp.Status)
		return 1
	}
	return 0
}

// awaitDatabase is the example's pre-deploy step (a Job the action runs before the Deployment changes): it
// exits 0 once PostgreSQL answers, 1 after limit. A real service runs its schema migrations here.
func awaitDatabase(c config, limit time.Duration, check func(context.Context, string) error) int {
	if c.database == "" {
		fmt.Fprintln(os.Stderr, "DATABASE_HOST is not set: nothing to wait for")
		return 1
	}
	deadline := time.Now().Add(limit)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		err := check(ctx, c.database)
		cancel()
		if err == nil {
			fmt.Println("database answers at", c.database)
			return 0
		}
		// No such host: the database Service does not exist yet, so this is the first deploy, with no schema.
		var dns *net.DNSError
		if errors.As(err, &dns) && dns.IsNotFound {
			fmt.Println("no database at", c.database, "yet: a first deploy, nothing to migrate")
			return 0
		}
		if time.Now().After(deadline) {
			fmt.Fprintln(os.Stderr, "database did not answer within", limit, ":", err)
			return 1
		}
		time.Sleep(500 * time.Millisecond)
	}
}

func main() {
	healthcheck := flag.Bool("healthcheck", false, "probe /health of the running server and exit 0 when it answers 200")
	await := flag.Duration("await-database", 0, "wait up to this long for PostgreSQL to answer, then exit (the pre-deploy step)")
	flag.Parse()
	c := loadConfig()
	if *healthcheck {
		os.Exit(probe(c.port))
	}
	if *await > 0 {
		os.Exit(awaitDatabase(c, *await, checkPostgres))
	}

	logger := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	server := &http.Server{
		Addr:              ":" + c.port,
		Handler:           newHandler(c, checkPostgres),
		ReadHeaderTimeout: 5 * time.Second,
	}
	// Kubernetes sends SIGTERM and keeps routing for a moment; finish in-flight requests before exiting.
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = server.Shutdown(shutdown)
	}()
	logger.Info("listening", "port", c.port, "version", version, "database", c.database != "")
	if err := server.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		logger.Error("server failed", "error", err)
		os.Exit(1)
	}
}
