// Package config loads hoctap's configuration once, from flags and the
// environment (secrets also from *_FILE), and validates it.
package config

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"net/netip"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"hoctap/internal/auth"
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
	// AccountCacheTTL bounds how long a replica answers a session from its
	// last reading of the account: revoking a session, disabling a user or
	// changing a role reaches the other replicas within it.
	AccountCacheTTL time.Duration
	// TrustedProxies are the reverse proxies whose X-Forwarded-For entries
	// are believed; empty: the client address is the TCP peer's.
	TrustedProxies []netip.Prefix
	// Warnings are notes for the start-up log, such as a deprecated setting.
	Warnings        []string
	LogLevel        string
	ShutdownTimeout time.Duration
	MaxConns        int
	// MaxInflight is how many API operations run at once, the others
	// waiting their turn in order of arrival; 0: DefaultMaxInflight.
	MaxInflight int
	// MaxBody is the largest request body the API reads, in bytes.
	MaxBody int64
	// MaxUpload is the largest list file an import takes, in bytes (an
	// upload is spooled to disk, never held in memory).
	MaxUpload int64
	// RequestTimeout is every request's deadline; its database work is
	// cancelled then.
	RequestTimeout time.Duration
	// LongRequestTimeout is the deadline of the requests long by nature:
	// list uploads and exports of units.
	LongRequestTimeout time.Duration
	// MetricsAddr is where /metrics is served, on a listener of its own;
	// empty: on Addr with everything else.
	MetricsAddr string
	// CORSOrigins are the web origins (scheme://host[:port], one "*" for a
	// subdomain allowed) whose pages may call the API from a browser;
	// empty: none, the browser's same-origin rule stands.
	CORSOrigins []string
	// ChangesRetention is how long the changes log keeps a change: an app
	// whose cursor is older syncs again from scratch (CURSOR_EXPIRED).
	ChangesRetention time.Duration
}

// env names the environment variable of each flag.
var env = map[string]string{
	"addr":                 "HOCTAP_ADDR",
	"db":                   "HOCTAP_DATABASE_URL",
	"admin-password":       "HOCTAP_ADMIN_PASSWORD",
	"jwt-secret":           "HOCTAP_JWT_SECRET",
	"dev":                  "HOCTAP_DEV",
	"demo":                 "HOCTAP_DEMO",
	"demo-scale":           "HOCTAP_DEMO_SCALE",
	"access-token-ttl":     "HOCTAP_ACCESS_TOKEN_TTL",
	"account-cache-ttl":    "HOCTAP_ACCOUNT_CACHE_TTL",
	"trusted-proxies":      "HOCTAP_TRUSTED_PROXIES",
	"trust-proxy":          "HOCTAP_TRUST_PROXY",
	"log-level":            "HOCTAP_LOG_LEVEL",
	"shutdown-timeout":     "HOCTAP_SHUTDOWN_TIMEOUT",
	"max-conns":            "HOCTAP_MAX_CONNS",
	"max-inflight":         "HOCTAP_MAX_INFLIGHT",
	"max-body":             "HOCTAP_MAX_BODY",
	"max-upload":           "HOCTAP_MAX_UPLOAD",
	"request-timeout":      "HOCTAP_REQUEST_TIMEOUT",
	"long-request-timeout": "HOCTAP_LONG_REQUEST_TIMEOUT",
	"metrics-addr":         "HOCTAP_METRICS_ADDR",
	"cors-origins":         "HOCTAP_CORS_ORIGINS",
	"changes-retention":    "HOCTAP_CHANGES_RETENTION",
}

// secrets may also be read from the file named by <VAR>_FILE.
var secrets = map[string]bool{"admin-password": true, "jwt-secret": true}

// Load parses args (without the program name) over the environment getenv.
// Flags win over the environment, which wins over the defaults.
func Load(args []string, getenv func(string) string) (*Config, error) {
	fs := flag.NewFlagSet("hoctap", flag.ContinueOnError)
	var (
		c          Config
		jwtSecret  string
		demo       string
		proxies    string
		origins    string
		trustProxy bool
	)
	fs.StringVar(&c.Addr, "addr", ":8080", "where the server listens")
	fs.StringVar(&c.DatabaseURL, "db", "hoctap.db", "SQLite file path or file: URL, or a postgres:// URL")
	fs.StringVar(&c.AdminPassword, "admin-password", "", "password of user admin when the database is created (default: generated and printed once)")
	fs.StringVar(&jwtSecret, "jwt-secret", "", "access-token signing key, at least 32 bytes (default: generated and kept in the database)")
	fs.BoolVar(&c.Dev, "dev", false, "development mode: GraphiQL, introspection, verbose logs")
	fs.StringVar(&demo, "demo", "", "load the demo province into an empty database: true or false (default: only for a new SQLite file)")
	fs.Float64Var(&c.DemoScale, "demo-scale", 0.02, "size of the demo province's learning units, 1 = full Thái Bình (~600,000 households)")
	fs.DurationVar(&c.AccessTTL, "access-token-ttl", 15*time.Minute, "life of an access token")
	fs.DurationVar(&c.AccountCacheTTL, "account-cache-ttl", auth.DefaultAccountCacheTTL, "how long a replica trusts its last reading of a session's account; a revoked session or disabled user is refused on every replica within it (0: read on every request)")
	fs.StringVar(&proxies, "trusted-proxies", "", "comma-separated IP addresses and CIDR prefixes of the reverse proxies in front of hoctap, whose X-Forwarded-For entries are believed")
	fs.BoolVar(&trustProxy, "trust-proxy", false, "deprecated: --trusted-proxies="+strings.Join(privateNames, ","))
	fs.StringVar(&c.LogLevel, "log-level", "info", "debug, info, warn or error")
	fs.DurationVar(&c.ShutdownTimeout, "shutdown-timeout", 20*time.Second, "how long to let requests finish on SIGTERM")
	fs.IntVar(&c.MaxConns, "max-conns", 0, "database connection pool size (default: by database and cores)")
	fs.IntVar(&c.MaxInflight, "max-inflight", 0, "API operations run at once, the others waiting their turn in order of arrival (default: 4 per core)")
	c.MaxBody = DefaultMaxBody
	fs.Var((*byteSize)(&c.MaxBody), "max-body", "largest request body the API reads: bytes, or with KiB or MiB")
	c.MaxUpload = DefaultMaxUpload
	fs.Var((*byteSize)(&c.MaxUpload), "max-upload", "largest list file an import takes: bytes, or with KiB or MiB")
	fs.DurationVar(&c.RequestTimeout, "request-timeout", DefaultRequestTimeout, "deadline of every request; its database work is cancelled then")
	fs.DurationVar(&c.LongRequestTimeout, "long-request-timeout", DefaultLongRequestTimeout, "deadline of list uploads and exports of units, and of reading and writing them")
	fs.StringVar(&origins, "cors-origins", "", "comma-separated web origins allowed to call the API from a browser, e.g. https://app.hoctap.vn (default: none)")
	fs.DurationVar(&c.ChangesRetention, "changes-retention", DefaultChangesRetention, "how long the changes feed keeps a change (e.g. 720h); an app offline longer syncs again from scratch")
	fs.StringVar(&c.MetricsAddr, "metrics-addr", "", "serve /metrics only here, e.g. 127.0.0.1:9090 (default: on --addr with everything else)")

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
	switch {
	case trustProxy && proxies != "":
		return nil, errors.New("--trust-proxy (HOCTAP_TRUST_PROXY) and --trusted-proxies (HOCTAP_TRUSTED_PROXIES) are both set: keep only --trusted-proxies, naming your proxies")
	case trustProxy:
		c.TrustedProxies = private
		c.Warnings = append(c.Warnings, "--trust-proxy (HOCTAP_TRUST_PROXY) is deprecated: it trusts every loopback and private address as a proxy; "+
			"name your proxies with --trusted-proxies (HOCTAP_TRUSTED_PROXIES) instead")
	case proxies != "":
		p, err := ParseProxies(proxies)
		if err != nil {
			return nil, fmt.Errorf("--trusted-proxies (HOCTAP_TRUSTED_PROXIES): %w", err)
		}
		c.TrustedProxies = p
	}
	if origins != "" {
		o, err := ParseOrigins(origins)
		if err != nil {
			return nil, fmt.Errorf("--cors-origins (HOCTAP_CORS_ORIGINS): %w", err)
		}
		c.CORSOrigins = o
	}
	return &c, c.validate()
}

// ParseOrigins reads a comma-separated list of web origins. Each is a
// scheme (http or https) and a host, with a port if any and nothing after:
// what a browser sends in Origin. A host may start with "*." for every
// subdomain; "*" alone is refused, since any page on the web could then
// drive the API with a user's token.
func ParseOrigins(s string) ([]string, error) {
	var out []string
	for _, o := range strings.Split(s, ",") {
		o = strings.ToLower(strings.TrimSpace(o))
		if o == "" {
			continue
		}
		scheme, host, ok := strings.Cut(o, "://")
		switch {
		case o == "*":
			return nil, errors.New(`"*" would let any web page call the API; name the origins`)
		case !ok || (scheme != "http" && scheme != "https"):
			return nil, fmt.Errorf("%q: want http:// or https:// and a host, e.g. https://app.hoctap.vn", o)
		case host == "" || strings.ContainsAny(host, "/?#@ ") || strings.Count(host, "*") > 1 ||
			strings.Contains(host, "*") && !strings.HasPrefix(host, "*."):
			return nil, fmt.Errorf("%q: want a host and port only, e.g. https://app.hoctap.vn or https://*.hoctap.vn", o)
		}
		out = append(out, o)
	}
	if len(out) == 0 {
		return nil, errors.New("no origin given")
	}
	return out, nil
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
	if c.AccountCacheTTL < 0 || c.AccountCacheTTL > time.Minute {
		errs = append(errs, fmt.Errorf("--account-cache-ttl: %v, want between 0 and 1m", c.AccountCacheTTL))
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("--log-level: %q, want debug, info, warn or error", c.LogLevel))
	}
	if c.DatabaseURL == "" {
		errs = append(errs, errors.New("--db: empty"))
	}
	if c.MaxInflight < 0 {
		errs = append(errs, errors.New("--max-inflight: negative"))
	}
	if c.MaxConns < 0 {
		errs = append(errs, errors.New("--max-conns: negative"))
	}
	if c.MaxBody < minMaxBody || c.MaxBody > maxMaxBody {
		errs = append(errs, fmt.Errorf("--max-body: %d bytes, want between %d (1KiB) and %d (64MiB)", c.MaxBody, minMaxBody, maxMaxBody))
	}
	if c.LongRequestTimeout < c.RequestTimeout || c.LongRequestTimeout > 2*time.Hour {
		errs = append(errs, fmt.Errorf("--long-request-timeout: %v, want between --request-timeout (%v) and 2h", c.LongRequestTimeout, c.RequestTimeout))
	}
	if c.MaxUpload < minMaxBody || c.MaxUpload > maxMaxUpload {
		errs = append(errs, fmt.Errorf("--max-upload: %d bytes, want between %d (1KiB) and %d (1024MiB)", c.MaxUpload, minMaxBody, maxMaxUpload))
	}
	if c.ChangesRetention < time.Hour || c.ChangesRetention > maxChangesRetention {
		errs = append(errs, fmt.Errorf("--changes-retention: %v, want between 1h and %v (10 years)", c.ChangesRetention, maxChangesRetention))
	}
	if c.RequestTimeout < time.Second || c.RequestTimeout > 10*time.Minute {
		errs = append(errs, fmt.Errorf("--request-timeout: %v, want between 1s and 10m", c.RequestTimeout))
	}
	if err := c.validateMetricsAddr(); err != nil {
		errs = append(errs, fmt.Errorf("--metrics-addr (HOCTAP_METRICS_ADDR): %w", err))
	}
	return errors.Join(errs...)
}

// validateMetricsAddr checks --metrics-addr before anything starts, so a
// typo stops the server with a message instead of a failed listen after the
// database work.
func (c *Config) validateMetricsAddr() error {
	if c.MetricsAddr == "" {
		return nil
	}
	_, port, err := net.SplitHostPort(c.MetricsAddr)
	if err != nil {
		return fmt.Errorf("%q is not host:port (e.g. 127.0.0.1:9090 or :9090)", c.MetricsAddr)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("%q: the port is not a number from 0 to 65535", c.MetricsAddr)
	}
	if c.MetricsAddr == c.Addr && port != "0" {
		return fmt.Errorf("%q is --addr too: leave --metrics-addr empty to serve /metrics there", c.MetricsAddr)
	}
	return nil
}

// privateNames are the networks the deprecated --trust-proxy trusts: loopback
// and private addresses, where a proxy beside hoctap usually sits.
var privateNames = []string{"127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "::1/128", "fc00::/7"}

var private = func() []netip.Prefix {
	p, err := ParseProxies(strings.Join(privateNames, ","))
	if err != nil {
		panic(err)
	}
	return p
}()

// ParseProxies reads a comma-separated list of IP addresses and CIDR
// prefixes. A prefix of zero bits is refused: trusting every address as a
// proxy would let any client write its own address.
func ParseProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for item := range strings.SplitSeq(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		var p netip.Prefix
		if strings.Contains(item, "/") {
			var err error
			if p, err = netip.ParsePrefix(item); err != nil {
				return nil, fmt.Errorf("%q is not a CIDR prefix (e.g. 10.0.0.0/8 or fd00::/8)", item)
			}
		} else {
			a, err := netip.ParseAddr(item)
			if err != nil || a.Zone() != "" {
				return nil, fmt.Errorf("%q is neither an IP address nor a CIDR prefix (e.g. 192.0.2.10 or 10.0.0.0/8)", item)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		// A mapped IPv4 prefix (::ffff:10.0.0.0/104) is the IPv4 one:
		// addresses are compared unmapped.
		if p.Addr().Is4In6() && p.Bits() >= 96 {
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
		if p.Bits() == 0 {
			return nil, fmt.Errorf("%q would trust every address as a proxy, so any client could forge its address", item)
		}
		out = append(out, p.Masked())
	}
	if len(out) == 0 {
		return nil, errors.New("no address or prefix given")
	}
	return out, nil
}

// Defaults of the API's limits (README "Limits and errors of the API").
const (
	// DefaultMaxBody: the everyday operations are under 1 KB and a whole
	// targets grid a few KB.
	DefaultMaxBody = 1 << 20
	// DefaultRequestTimeout: the slowest everyday operation takes well
	// under a second on a full province; a request past 30 s is a runaway.
	DefaultRequestTimeout = 30 * time.Second
	// DefaultLongRequestTimeout: a province's list of 60 MB takes 8
	// minutes to upload at 1 Mbit/s; its export about 2 minutes to write.
	DefaultLongRequestTimeout = 15 * time.Minute
	// DefaultChangesRetention: a month, longer than a phone stays offline
	// in a village without signal, short enough that the log stays small.
	DefaultChangesRetention = 30 * 24 * time.Hour
	maxChangesRetention     = 10 * 365 * 24 * time.Hour

	// DefaultMaxUpload: a province's households and members as XLSX are
	// about 60 MB, as CSV about 100 MB.
	DefaultMaxUpload = 256 << 20

	minMaxBody   = 1 << 10
	maxMaxBody   = 64 << 20
	maxMaxUpload = 1 << 30
)

// byteSize is a flag of bytes: a number, or one with a KiB or MiB suffix.
type byteSize int64

func (b *byteSize) String() string { return strconv.FormatInt(int64(*b), 10) }

func (b *byteSize) Set(s string) error {
	num, mult := s, int64(1)
	for suffix, m := range map[string]int64{"KiB": 1 << 10, "MiB": 1 << 20} {
		if n, ok := strings.CutSuffix(s, suffix); ok {
			num, mult = n, m
		}
	}
	n, err := strconv.ParseInt(strings.TrimSpace(num), 10, 64)
	if err != nil || n < 0 || n > (1<<62)/mult {
		return fmt.Errorf("want bytes, or a number with KiB or MiB, got %q", s)
	}
	*b = byteSize(n * mult)
	return nil
}

// DefaultMaxInflight is the default of --max-inflight: four operations per
// core. No limit let a report's latency be shared out over every operation
// beside it; eight per core on PostgreSQL served no more and left the
// mix's tail as long as no limit (BENCHMARKS.md, "The sixth session of #15").
func DefaultMaxInflight() int {
	return 4 * runtime.GOMAXPROCS(0)
}
