// Command hoctap serves the learning-society API and its admin console.
//
//	go run .                 # SQLite file hoctap.db, demo province on first start
//	go run . --db postgres://…
//
// See README.md for every flag and environment variable.
package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"
	"time"

	"hoctap/admin"
	"hoctap/ent"
	"hoctap/graph"
	"hoctap/internal/auth"
	"hoctap/internal/changes"
	"hoctap/internal/config"
	"hoctap/internal/demo"
	"hoctap/internal/export"
	"hoctap/internal/gcbudget"
	"hoctap/internal/graphiql"
	"hoctap/internal/importjob"
	"hoctap/internal/metrics"
	"hoctap/internal/middleware"
	"hoctap/internal/record"
	"hoctap/internal/setup"
	"hoctap/internal/store"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	run := run
	args := os.Args[1:]
	if len(args) > 0 && args[0] == "generate" {
		run, args = runGenerate, args[1:]
	} else if len(args) > 0 && args[0] == "reset-password" {
		run, args = runResetPassword, args[1:]
	} else if len(args) > 0 && args[0] == "import-units" {
		run, args = runImportUnits, args[1:]
	} else if len(args) > 0 && args[0] == "import" {
		run, args = runImport, args[1:]
	} else {
		// The server's only: the subcommands run once and exit, under Go's
		// defaults or the operator's.
		gcbudget.Manage(gcbudget.Serve, os.Getenv)
	}
	if err := run(ctx, args, os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "hoctap:", err)
		os.Exit(1)
	}
}

// run starts the server and blocks until ctx is cancelled, then shuts down
// gracefully. It is main without the process: tests call it.
func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	cfg, err := config.Load(args, getenv)
	if err != nil {
		return err
	}
	if !cfg.Dev {
		// Go records the stack of an allocation every 512 KB for a heap
		// profile, which only dev mode serves (/debug/pprof): under load that
		// was 1.2% of the server's CPU, the API's stacks being deep.
		runtime.MemProfileRate = 0
	}
	log := newLogger(cfg, stdout)
	for _, w := range cfg.Warnings {
		log.Warn(w)
	}
	srv, err := newServer(ctx, cfg, log, stdout)
	if err != nil {
		return err
	}
	defer srv.db.Close()

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	httpSrv := &http.Server{
		Handler:           srv.handler,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      cfg.RequestTimeout + 30*time.Second, // past the deadline, time to say so or end an export
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	metricsSrv, err := listenMetrics(cfg, srv.metrics, log)
	if err != nil {
		ln.Close()
		return err
	}
	printURLs(stdout, cfg, ln.Addr(), metricsSrv.addr())
	go srv.maintain(ctx)

	errc := make(chan error, 2)
	go func() { errc <- httpSrv.Serve(ln) }()
	metricsSrv.serve(errc)
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down", "timeout", cfg.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := httpSrv.Shutdown(sctx); err != nil {
		srv.endImports(sctx)
		return errors.Join(fmt.Errorf("shutdown: %w", err), metricsSrv.shutdown(sctx))
	}
	srv.endImports(sctx)
	return metricsSrv.shutdown(sctx) // after the main server: scrapes go on while requests drain
}

func newLogger(cfg *config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	level.UnmarshalText([]byte(cfg.LogLevel))
	if cfg.Dev {
		level = min(level, slog.LevelDebug)
		return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
	}
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level}))
}

// server is everything a running hoctap holds.
type server struct {
	db      *store.DB
	auth    *auth.Service
	handler http.Handler
	log     *slog.Logger
	// metrics serves /metrics: a route of handler, or on --metrics-addr.
	metrics http.Handler
	// imports runs the import jobs started here; stopImports ends them.
	imports     *importjob.Runner
	stopImports context.CancelFunc
	// changes is the changes feed's log, pruned after changesRetention.
	changes          changes.Feed
	changesRetention time.Duration
}

// newServer opens and prepares the database, loads the demo when asked, and
// builds the HTTP handler.
func newServer(ctx context.Context, cfg *config.Config, log *slog.Logger, stdout io.Writer) (*server, error) {
	isNewFile := !store.IsPostgres(cfg.DatabaseURL) && !fileExists(cfg.DatabaseURL)
	db, err := store.Open(ctx, cfg.DatabaseURL, store.Options{MaxConns: cfg.MaxConns})
	if err != nil {
		return nil, err
	}
	s := &server{db: db, log: log, changes: changes.Feed{Client: db.Client, Dialect: db.Dialect}, changesRetention: cfg.ChangesRetention}
	if err := s.prepare(ctx, cfg, isNewFile, stdout); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

func (s *server) prepare(ctx context.Context, cfg *config.Config, isNewFile bool, stdout io.Writer) error {
	if err := s.db.Migrate(ctx); err != nil {
		return err
	}
	key, err := auth.SigningKey(ctx, s.db.Client, cfg.JWTSecret)
	if err != nil {
		return err
	}
	authCfg := auth.DefaultConfig
	authCfg.AccessTTL = cfg.AccessTTL
	authCfg.AccountCacheTTL = cfg.AccountCacheTTL
	if s.auth, err = auth.NewService(s.db.Client, key, authCfg); err != nil {
		return err
	}
	loadDemo := isNewFile
	if cfg.Demo != nil {
		loadDemo = *cfg.Demo
	}
	empty, err := demo.Empty(ctx, s.db.Client)
	if err != nil {
		return err
	}
	if loadDemo && empty {
		start := time.Now()
		res, err := demo.Load(ctx, s.db, demo.Options{Scale: cfg.DemoScale, Seed: 34, AdminPassword: cfg.AdminPassword})
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Đã tạo dữ liệu mẫu / demo data loaded: %s, %d đơn vị hành chính, %d đơn vị học tập (%v)\n",
			res.Province.Name, res.AdminUnits, res.LearningUnits, time.Since(start).Round(time.Millisecond))
		fmt.Fprintln(stdout, "Tài khoản mẫu / demo accounts (mật khẩu chỉ hiện một lần / passwords are shown once):")
		res.PrintAccounts(stdout)
	} else {
		password, err := setup.Admin(ctx, s.db.Client, cfg.AdminPassword)
		if err != nil {
			return err
		}
		if password != "" {
			fmt.Fprintf(stdout, "Tài khoản quản trị / admin account: admin / %s (chỉ hiện một lần / shown once)\n", password)
		}
	}
	// Import jobs outlive their requests and get the shutdown's grace
	// period to end (run), not the signal's moment.
	var jobs context.Context
	jobs, s.stopImports = context.WithCancel(context.WithoutCancel(ctx))
	s.imports = importjob.New(jobs, s.db.Client, s.db.Dialect, s.log, importjob.Options{MaxFileSize: cfg.MaxUpload})
	s.handler = s.routes(cfg)
	return nil
}

// endImports lets the running import jobs end until ctx does, then stops
// them: a stopped apply rolls back and its job says so.
func (s *server) endImports(ctx context.Context) {
	done := make(chan struct{})
	go func() { s.imports.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		s.log.Warn("shutdown: stopping the import jobs still running")
	}
	s.stopImports()
	s.imports.Wait()
}

// routes is the whole route table.
func (s *server) routes(cfg *config.Config) http.Handler {
	m := metrics.New(s.db.SQL)
	s.metrics = m.Handler()
	gate := graph.NewGate(cmp.Or(cfg.MaxInflight, config.DefaultMaxInflight()))
	m.Waiting(gate.Waiting)
	m.NodePlans(ent.PlanCounts)
	api := graph.NewHandler(&graph.Resolver{Client: s.db.Client, Auth: s.auth, Dialect: s.db.Dialect, Imports: s.imports},
		graph.Options{Introspection: cfg.Dev, Logger: s.log, MaxBody: cfg.MaxBody, MaxUpload: cfg.MaxUpload, Gate: gate})
	mux := http.NewServeMux()
	mux.Handle("/query", api) // every method: the API answers those it does not serve with a coded error
	exports := export.New(s.db.Client, s.log)
	mux.Handle("GET /export/progress.csv", exports.Progress(export.CSV))
	mux.Handle("GET /export/progress.xlsx", exports.Progress(export.XLSX))
	mux.Handle("GET /export/decisions/{file}", exports.Decision()) // {id}.csv, {id}.xlsx or {id}.html
	mux.Handle("GET /export/templates/imports.xlsx", exports.Templates())
	mux.Handle("GET /export/units.xlsx", exports.Units())
	// A citizen's lifelong-learning record: evidence files and the printable
	// page, downloads only, authenticated by bearer token like /query.
	mux.Handle("GET "+record.EvidencePrefix+"{id}", exports.Evidence())
	mux.Handle("GET "+record.RecordPrefix+"{citizenID}", exports.Record())
	console := admin.New(s.db.Client, s.auth, admin.Options{Logger: s.log, TrustProxy: len(cfg.TrustedProxies) > 0, Dialect: s.db.Dialect,
		Imports: s.imports, MaxUpload: cfg.MaxUpload})
	console.Routes(mux) // /admin/…
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok\n") })
	mux.HandleFunc("GET /readyz", s.ready)
	if cfg.MetricsAddr == "" {
		mux.Handle("GET /metrics", s.metrics)
	}
	if cfg.Dev {
		// Profiles for finding where time goes; never outside dev mode.
		mux.HandleFunc("GET /debug/pprof/", pprof.Index)
		mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
		gql := graphiql.Handler("/query")
		mux.Handle("GET /{$}", gql)
		mux.Handle("GET /playground", gql)
		mux.Handle("GET "+graphiql.AssetsPath, gql)
	} else {
		mux.Handle("GET /{$}", homeHandler(cfg.MetricsAddr == ""))
	}
	return middleware.Chain(mux,
		middleware.Recover(s.log),
		middleware.RequestInfo(cfg.TrustedProxies),
		middleware.SecurityHeaders,
		middleware.CORS(cfg.CORSOrigins),                                             // preflights answered before any token is looked at
		middleware.Deadline(cfg.RequestTimeout, cfg.LongRequestTimeout, longRequest), // before Bearer: a token's lookup is database work too
		middleware.Bearer(s.auth, s.log),
		console.Session, // the console's cookies, for /admin/ and the exports it links to
		middleware.Log(s.log, m.Observe),
	)
}

// longRequest tells the requests long by nature: a list uploaded (to the
// console, or to the API as a multipart request) and an export of units,
// a province's households in one workbook.
func longRequest(r *http.Request) bool {
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/admin/imports":
		return true
	case r.URL.Path == "/query":
		return graph.IsUpload(r)
	case r.Method == http.MethodGet && r.URL.Path == "/export/units.xlsx":
		return true
	}
	return false
}

// ready answers 200 when the database answers.
func (s *server) ready(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.db.Ping(ctx); err != nil {
		s.log.WarnContext(ctx, "not ready", "err", err)
		http.Error(w, "database unavailable", http.StatusServiceUnavailable)
		return
	}
	io.WriteString(w, "ok\n")
}

// importFilesKept is how long an import's file stays after its last
// step: a day to apply a checked file or download its report.
const importFilesKept = 24 * time.Hour

// maintain prunes expired sign-in attempts, old import files and the
// changes log's rows past their retention now and then. Several replicas
// doing it at once is harmless.
func (s *server) maintain(ctx context.Context) {
	t := time.NewTicker(10 * time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := s.auth.PruneAttempts(ctx); err != nil && !errors.Is(err, context.Canceled) {
				s.log.Warn("maintenance", "err", err)
			}
			if _, err := s.imports.Prune(ctx, time.Now().Add(-importFilesKept)); err != nil && !errors.Is(err, context.Canceled) {
				s.log.Warn("maintenance", "err", err)
			}
			if _, err := s.changes.Prune(ctx, time.Now().Add(-s.changesRetention)); err != nil && !errors.Is(err, context.Canceled) {
				s.log.Warn("maintenance", "err", err)
			}
		}
	}
}

func baseURL(a net.Addr) string {
	host, port, _ := net.SplitHostPort(a.String())
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// fileExists reports whether the SQLite file of a path or file: URL exists.
func fileExists(dsn string) bool {
	path, _, _ := strings.Cut(strings.TrimPrefix(dsn, "file:"), "?")
	_, err := os.Stat(path)
	return err == nil
}
