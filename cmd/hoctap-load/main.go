// Command hoctap-load replays the mobile app's everyday operations against a
// running hoctap server, as officers of many communes at once, and prints
// throughput and latency percentiles per operation.
//
//	go run ./cmd/hoctap-load -url http://localhost:8080 -password … -c 32 -d 30s
//
// It needs a database made by `hoctap generate --load-password …`, which
// gives that password to the province manager "quanly" and to an OFFICER
// account "canbo.<commune code>" for every commune.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"hoctap/internal/ops"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "hoctap-load:", err)
		os.Exit(1)
	}
}

type config struct {
	url         string
	password    string
	concurrency int
	duration    time.Duration
	officers    int
	ops         []string
	year        int
}

// operations and their share of the default mix.
var operations = []struct {
	name   string
	weight int
}{
	{"village-households", 40},
	{"open-household", 20},
	{"search-household", 20},
	{"progress-commune", 10},
	{"progress-province", 5},
	{"register-evaluate", 5},
	// Not in the mix: the bare 20-row village page of PITFALLS.md, with auth
	// and scope on, to compare with the stack's baseline.
	{"village-page", 0},
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("hoctap-load", flag.ContinueOnError)
	var c config
	var ops string
	fs.StringVar(&c.url, "url", "http://localhost:8080", "server to load")
	fs.StringVar(&c.password, "password", "", "password of quanly and the officers canbo.<commune code> (hoctap generate --load-password)")
	fs.IntVar(&c.concurrency, "c", 32, "concurrent clients")
	fs.DurationVar(&c.duration, "d", 30*time.Second, "how long to run")
	fs.IntVar(&c.officers, "officers", 32, "how many officers (communes) to sign in as")
	fs.StringVar(&ops, "ops", "", "comma-separated operations to run instead of the mix: "+strings.Join(opNames(), ", "))
	fs.IntVar(&c.year, "year", 2021, "the campaign year to work in")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if c.password == "" {
		return errors.New("-password is required")
	}
	if ops != "" {
		c.ops = strings.Split(ops, ",")
		for _, o := range c.ops {
			if !slices.Contains(opNames(), o) {
				return fmt.Errorf("-ops: unknown operation %q (have %s)", o, strings.Join(opNames(), ", "))
			}
		}
	}
	w, err := setup(ctx, c)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d officers signed in; campaign %d; %d clients for %v\n", len(w.officers), c.year, c.concurrency, c.duration)
	start := time.Now()
	res := w.load(ctx, c)
	// A run of register-evaluate alone ends early when the households are
	// used up: rates are over the time it really ran.
	res.print(stdout, min(time.Since(start), c.duration))
	return nil
}

func opNames() []string {
	var names []string
	for _, o := range operations {
		names = append(names, o.name)
	}
	return names
}

// client talks GraphQL to the server.
type client struct {
	url   string
	token string
	http  *http.Client
}

type gqlError struct {
	Message    string         `json:"message"`
	Extensions map[string]any `json:"extensions"`
}

func (c *client) do(ctx context.Context, query string, vars map[string]any, out any) error {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url+"/query", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var r struct {
		Data   json.RawMessage `json:"data"`
		Errors []gqlError      `json:"errors"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		return fmt.Errorf("status %d: %w", resp.StatusCode, err)
	}
	if len(r.Errors) > 0 {
		return fmt.Errorf("%s: %s", r.Errors[0].Extensions["code"], r.Errors[0].Message)
	}
	if out != nil {
		return json.Unmarshal(r.Data, out)
	}
	return nil
}

func login(ctx context.Context, url string, hc *http.Client, user, password string) (*client, error) {
	c := &client{url: url, http: hc}
	var r struct {
		Login struct{ AccessToken string }
	}
	err := c.do(ctx, `mutation($u: String!, $p: String!) { login(input: {username: $u, password: $p}) { accessToken } }`,
		map[string]any{"u": user, "p": password}, &r)
	if err != nil {
		return nil, fmt.Errorf("sign in as %s: %w", user, err)
	}
	c.token = r.Login.AccessToken
	return c, nil
}

// officer is a signed-in officer with what they work on.
type officer struct {
	*client
	commune    string
	villages   []string
	households []string // a sample of their commune's households
}

type world struct {
	campaign, province string
	// manager reads the province-wide progress, which officers cannot.
	manager  *client
	officers []*officer
	searches []string
	// fresh holds households not yet registered, shared by the writers.
	fresh chan freshHousehold
	// legacyRegister: the server predates issue #13's payloads (register
	// answered the registration itself), as b8c4895 does, which
	// .ci/bench-compare loads with this same tool. The first register finds
	// out: such a server refuses the new document before running anything.
	legacyRegister atomic.Bool
}

type freshHousehold struct {
	off *officer
	id  string
}

func setup(ctx context.Context, c config) (*world, error) {
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: c.concurrency * 2}, Timeout: 30 * time.Second}
	mgr, err := login(ctx, c.url, hc, "quanly", c.password)
	if err != nil {
		return nil, err
	}
	var camp struct {
		Campaigns struct {
			Edges []struct {
				Node struct {
					ID       string
					Province struct{ ID string }
				}
			}
		}
		AdminUnits struct {
			Edges []struct{ Node struct{ ID, Code string } }
		}
	}
	err = mgr.do(ctx, `query($y: Int!, $n: Int!) { campaigns(where: {year: $y}) { edges { node { id province { id } } } }
		adminUnits(first: $n, where: {level: COMMUNE}, orderBy: {field: CODE}) { edges { node { id code } } } }`,
		map[string]any{"y": c.year, "n": min(c.officers, 100)}, &camp)
	if err != nil {
		return nil, err
	}
	if len(camp.Campaigns.Edges) == 0 {
		return nil, fmt.Errorf("no campaign of %d", c.year)
	}
	w := &world{manager: mgr, campaign: camp.Campaigns.Edges[0].Node.ID, province: camp.Campaigns.Edges[0].Node.Province.ID, fresh: make(chan freshHousehold, 100000)}
	for _, e := range camp.AdminUnits.Edges {
		cl, err := login(ctx, c.url, hc, "canbo."+e.Node.Code, c.password)
		if err != nil {
			return nil, err
		}
		o := &officer{client: cl, commune: e.Node.ID}
		var v struct {
			Node struct {
				Children struct {
					Edges []struct {
						Node struct {
							ID            string
							LearningUnits struct {
								Edges []struct {
									Node struct {
										ID, HeadName  string
										Registrations struct{ TotalCount int }
									}
								}
							}
						}
					}
				}
			}
		}
		err = cl.do(ctx, `query($c: ID!, $camp: ID!) { node(id: $c) { ... on AdminUnit { children(first: 10) { edges { node { id
			learningUnits(first: 40, where: {kind: HOUSEHOLD}) { edges { node { id headName
				registrations(first: 1, where: {hasCampaignWith: {id: $camp}}) { totalCount } } } } } } } } } }`,
			map[string]any{"c": e.Node.ID, "camp": w.campaign}, &v)
		if err != nil {
			return nil, err
		}
		for _, ve := range v.Node.Children.Edges {
			o.villages = append(o.villages, ve.Node.ID)
			for _, he := range ve.Node.LearningUnits.Edges {
				o.households = append(o.households, he.Node.ID)
				if len(w.searches) < 500 {
					w.searches = append(w.searches, he.Node.HeadName)
				}
				if he.Node.Registrations.TotalCount == 0 {
					select {
					case w.fresh <- freshHousehold{o, he.Node.ID}:
					default:
					}
				}
			}
		}
		if len(o.villages) == 0 || len(o.households) == 0 {
			return nil, fmt.Errorf("commune %s has no villages or households", e.Node.Code)
		}
		w.officers = append(w.officers, o)
	}
	return w, nil
}

// sample is one timed request.
type sample struct {
	op  string
	d   time.Duration
	err error
}

// report gathers the latencies and errors of a run, per operation.
type report struct {
	lat    map[string][]time.Duration
	errors map[string]int
	first  map[string]string // the first error of each operation
}

func (w *world) load(ctx context.Context, c config) (res report) {
	ctx, cancel := context.WithTimeout(ctx, c.duration)
	defer cancel()
	samples := make(chan sample, 4096)
	var wg sync.WaitGroup
	// Registering uses households up; once they are, retrying would only
	// spin (millions of errors a second) and skew the mix.
	var usedUp atomic.Bool
	begin := time.Now()
	for i := range c.concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(i), 7))
			o := w.officers[i%len(w.officers)]
			for ctx.Err() == nil {
				op := pick(r, c.ops)
				if op == "register-evaluate" && usedUp.Load() {
					if len(c.ops) == 1 {
						return
					}
					continue // the rest of the mix goes on
				}
				start := time.Now()
				err := w.do(ctx, r, o, op)
				if ctx.Err() != nil {
					return
				}
				if errors.Is(err, errUsedUp) {
					if usedUp.CompareAndSwap(false, true) {
						samples <- sample{op, 0, err} // reported once
						if len(c.ops) != 1 {
							fmt.Fprintf(os.Stderr, "register-evaluate: households used up after %v; the rest of the run is without it\n", time.Since(begin).Round(time.Second))
						}
					}
					continue
				}
				samples <- sample{op, time.Since(start), err}
			}
		}()
	}
	go func() { wg.Wait(); close(samples) }()
	res.lat, res.errors, res.first = map[string][]time.Duration{}, map[string]int{}, map[string]string{}
	for s := range samples {
		if s.err != nil {
			res.errors[s.op]++
			if res.first[s.op] == "" {
				res.first[s.op] = s.err.Error()
			}
			continue
		}
		res.lat[s.op] = append(res.lat[s.op], s.d)
	}
	return res
}

// registerBefore13 is ops.Register as servers before issue #13 took it.
const registerBefore13 = `mutation($c: ID!, $u: ID!) { register(campaignID: $c, learningUnitID: $u, title: LEARNING_FAMILY) { id } }`

// errUsedUp: every unregistered household has been registered (generate
// the data again for a fresh supply).
var errUsedUp = errors.New("no unregistered household left (generate the data again)")

func pick(r *rand.Rand, only []string) string {
	if len(only) > 0 {
		return only[r.IntN(len(only))]
	}
	total := 0
	for _, o := range operations {
		total += o.weight
	}
	x := r.IntN(total)
	for _, o := range operations {
		if x < o.weight {
			return o.name
		}
		x -= o.weight
	}
	return operations[0].name
}

func (w *world) do(ctx context.Context, r *rand.Rand, o *officer, op string) error {
	switch op {
	case "village-households":
		return o.do(ctx, ops.VillageHouseholds, map[string]any{"v": o.villages[r.IntN(len(o.villages))], "c": w.campaign}, nil)
	case "village-page":
		return o.do(ctx, ops.VillagePage, map[string]any{"v": o.villages[r.IntN(len(o.villages))]}, nil)
	case "open-household":
		return o.do(ctx, ops.OpenHousehold, map[string]any{"h": o.households[r.IntN(len(o.households))], "c": w.campaign}, nil)
	case "search-household":
		return o.do(ctx, ops.SearchHousehold, map[string]any{"q": w.searches[r.IntN(len(w.searches))]}, nil)
	case "progress-commune":
		return o.do(ctx, ops.Progress, map[string]any{"c": w.campaign, "u": o.commune}, nil)
	case "progress-province":
		return w.manager.do(ctx, ops.Progress, map[string]any{"c": w.campaign, "u": w.province}, nil)
	case "register-evaluate":
		var h freshHousehold
		select {
		case h = <-w.fresh:
		default:
			return errUsedUp
		}
		vars := map[string]any{"c": w.campaign, "u": h.id}
		var reg struct {
			Register struct {
				ID           string // the legacy answer
				Registration struct{ ID string }
			}
		}
		if !w.legacyRegister.Load() {
			err := h.off.do(ctx, ops.Register, vars, &reg)
			old := err != nil && strings.Contains(err.Error(), `Cannot query field "registration" on type "Registration"`)
			if err != nil && !old {
				return err
			}
			w.legacyRegister.Store(old)
		}
		if w.legacyRegister.Load() {
			if err := h.off.do(ctx, registerBefore13, vars, &reg); err != nil {
				return err
			}
			reg.Register.Registration.ID = reg.Register.ID
		}
		return h.off.do(ctx, ops.Evaluate, map[string]any{"r": reg.Register.Registration.ID}, nil)
	}
	return fmt.Errorf("unknown operation %s", op)
}

func (res report) print(w io.Writer, d time.Duration) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "operation\trequests\treq/s\tp50 ms\tp90 ms\tp99 ms\tmax ms\terrors\t")
	var all []time.Duration
	for _, name := range opNames() {
		l := res.lat[name]
		if len(l) == 0 && res.errors[name] == 0 {
			continue
		}
		sort.Slice(l, func(i, j int) bool { return l[i] < l[j] })
		all = append(all, l...)
		fmt.Fprintf(tw, "%s\t%d\t%.0f\t%s\t%s\t%s\t%s\t%d\t\n", name, len(l), float64(len(l))/d.Seconds(),
			pct(l, 0.50), pct(l, 0.90), pct(l, 0.99), pct(l, 1), res.errors[name])
	}
	// The mix's percentiles are over every request, whatever its operation.
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	errs := 0
	for _, n := range res.errors {
		errs += n
	}
	fmt.Fprintf(tw, "all\t%d\t%.0f\t%s\t%s\t%s\t%s\t%d\t\n", len(all), float64(len(all))/d.Seconds(),
		pct(all, 0.50), pct(all, 0.90), pct(all, 0.99), pct(all, 1), errs)
	tw.Flush()
	for name, e := range res.first {
		fmt.Fprintf(w, "first error of %s: %s\n", name, e)
	}
}

func pct(l []time.Duration, p float64) string {
	if len(l) == 0 {
		return "-"
	}
	i := int(float64(len(l)-1) * p)
	return fmt.Sprintf("%.1f", float64(l[i].Microseconds())/1000)
}
