// Package config loads hoctap's configuration once, from flags and the
// environment (secrets also from *_FILE), and validates it.
package config

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// Config is the server's configuration; API.md "Operations" names it.
type Config struct {
	Addr          string
	DatabaseURL   string
	AdminPassword string
	JWTSecret     []byte
	Dev           bool
	// Demo loads the demo province into an empty database; nil means "only
	// for a new SQLite file".
	Demo      *bool
	DemoScale float64
	AccessTTL time.Duration
	// TrustProxy takes the client address from X-Forwarded-For.
	TrustProxy      bool
	LogLevel        string
	ShutdownTimeout time.Duration
	MaxConns        int
}

// env names the environment variable of each flag.
var env = map[string]string{
	"addr":             "HOCTAP_ADDR",
	"db":               "HOCTAP_DATABASE_URL",
	"admin-password":   "HOCTAP_ADMIN_PASSWORD",
	"jwt-secret":       "HOCTAP_JWT_SECRET",
	"dev":              "HOCTAP_DEV",
	"demo":             "HOCTAP_DEMO",
	"demo-scale":       "HOCTAP_DEMO_SCALE",
	"access-token-ttl": "HOCTAP_ACCESS_TOKEN_TTL",
	"trust-proxy":      "HOCTAP_TRUST_PROXY",
	"log-level":        "HOCTAP_LOG_LEVEL",
	"shutdown-timeout": "HOCTAP_SHUTDOWN_TIMEOUT",
	"max-conns":        "HOCTAP_MAX_CONNS",
}

// secrets may also be read from the file named by <VAR>_FILE.
var secrets = map[string]bool{"admin-password": true, "jwt-secret": true}

// Load parses args (without the program name) over the environment getenv.
// Flags win over the environment, which wins over the defaults.
func Load(args []string, getenv func(string) string) (*Config, error) {
	fs := flag.NewFlagSet("hoctap", flag.ContinueOnError)
	var (
		c         Config
		jwtSecret string
		demo      string
	)
	fs.StringVar(&c.Addr, "addr", ":8080", "where the server listens")
	fs.StringVar(&c.DatabaseURL, "db", "hoctap.db", "SQLite file path or file: URL, or a postgres:// URL")
	fs.StringVar(&c.AdminPassword, "admin-password", "", "password of user admin when the database is created (default: generated and printed once)")
	fs.StringVar(&jwtSecret, "jwt-secret", "", "access-token signing key, at least 32 bytes (default: generated and kept in the database)")
	fs.BoolVar(&c.Dev, "dev", false, "development mode: GraphiQL, introspection, verbose logs")
	fs.StringVar(&demo, "demo", "", "load the demo province into an empty database: true or false (default: only for a new SQLite file)")
	fs.Float64Var(&c.DemoScale, "demo-scale", 0.02, "size of the demo province's learning units, 1 = full Thái Bình (~600,000 households)")
	fs.DurationVar(&c.AccessTTL, "access-token-ttl", 15*time.Minute, "life of an access token")
	fs.BoolVar(&c.TrustProxy, "trust-proxy", false, "take the client address from X-Forwarded-For (behind a reverse proxy only)")
	fs.StringVar(&c.LogLevel, "log-level", "info", "debug, info, warn or error")
	fs.DurationVar(&c.ShutdownTimeout, "shutdown-timeout", 20*time.Second, "how long to let requests finish on SIGTERM")
	fs.IntVar(&c.MaxConns, "max-conns", 0, "database connection pool size (default: by database and cores)")

	set := map[string]bool{}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	var errs []error
	fs.VisitAll(func(f *flag.Flag) {
		if set[f.Name] {
			return
		}
		name := env[f.Name]
		v := getenv(name)
		if v == "" && secrets[f.Name] {
			if path := getenv(name + "_FILE"); path != "" {
				b, err := os.ReadFile(path)
				if err != nil {
					errs = append(errs, fmt.Errorf("%s_FILE: %w", name, err))
					return
				}
				v = strings.TrimRight(string(b), "\r\n")
			}
		}
		if v == "" {
			return
		}
		if err := f.Value.Set(v); err != nil {
			errs = append(errs, fmt.Errorf("%s=%q: %w", name, v, err))
		}
	})
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if demo != "" {
		b, err := strconv.ParseBool(demo)
		if err != nil {
			return nil, fmt.Errorf("--demo: want true or false, got %q", demo)
		}
		c.Demo = &b
	}
	if jwtSecret != "" {
		c.JWTSecret = []byte(jwtSecret)
	}
	return &c, c.validate()
}

func (c *Config) validate() error {
	var errs []error
	if c.JWTSecret != nil && len(c.JWTSecret) < 32 {
		errs = append(errs, fmt.Errorf("--jwt-secret: %d bytes, want at least 32", len(c.JWTSecret)))
	}
	if c.DemoScale <= 0 || c.DemoScale > 1 {
		errs = append(errs, fmt.Errorf("--demo-scale: %v, want more than 0 and at most 1", c.DemoScale))
	}
	if c.AccessTTL < time.Minute || c.AccessTTL > 24*time.Hour {
		errs = append(errs, fmt.Errorf("--access-token-ttl: %v, want between 1m and 24h", c.AccessTTL))
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("--log-level: %q, want debug, info, warn or error", c.LogLevel))
	}
	if c.DatabaseURL == "" {
		errs = append(errs, errors.New("--db: empty"))
	}
	if c.MaxConns < 0 {
		errs = append(errs, errors.New("--max-conns: negative"))
	}
	return errors.Join(errs...)
}
