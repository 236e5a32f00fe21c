// Command loadtest fires concurrent bookings at a running Atelier and
// reports throughput, latency and the final counts; with -pgbench it first
// measures the same PostgreSQL with pgbench, for comparison.
//
//	go run ./cmd/loadtest -base http://127.0.0.1:8080 -email rh@… -password … -n 4000 -c 200 -sessions 1
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

type options struct {
	base, email, password string
	n, c, sessions        int
	capacity              int
	format                string
	pgbench               string
	pgbenchSeconds        int
	sqlite                string
	pprof, profile, trace string
}

func run(ctx context.Context, args []string, out io.Writer) error {
	var o options
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	fs.StringVar(&o.base, "base", "http://127.0.0.1:8080", "Atelier's base URL")
	fs.StringVar(&o.email, "email", "", "an hr account")
	fs.StringVar(&o.password, "password", "", "its password")
	fs.IntVar(&o.n, "n", 2000, "bookings to fire (one new person each)")
	fs.IntVar(&o.c, "c", 200, "concurrent clients")
	fs.IntVar(&o.sessions, "sessions", 1, "sessions to spread the bookings over")
	fs.IntVar(&o.capacity, "capacity", 12, "capacity of each session")
	fs.StringVar(&o.format, "format", "ecublens-collaborateurs", "catalogue format of the sessions")
	fs.StringVar(&o.pgbench, "pgbench", "", "PostgreSQL URL: first run pgbench's two reference workloads there")
	fs.IntVar(&o.pgbenchSeconds, "pgbench-seconds", 20, "duration of each pgbench run (and of the SQLite reference)")
	fs.StringVar(&o.sqlite, "sqlite-ref", "", "the server's SQLite file: first measure the bare booking transaction there")
	fs.StringVar(&o.pprof, "pprof", "", "the server's ATELIER_PPROF_ADDR: take a CPU profile of it during the bookings")
	fs.StringVar(&o.profile, "profile", "cpu.pprof", "where -pprof writes the profile")
	fs.StringVar(&o.trace, "trace", "", "with -pprof, also write an execution trace of the server's first second of bookings here (go tool trace)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if o.email == "" || o.password == "" {
		return errors.New("-email and -password are required")
	}
	var ref *pgbenchResult
	if o.pgbench != "" {
		r, err := runPgbench(ctx, o.pgbench, o.c, o.pgbenchSeconds, out)
		if err != nil {
			return err
		}
		ref = r
	}
	var sqliteTPS float64
	if o.sqlite != "" {
		tps, err := runSQLiteRef(ctx, o.sqlite, o.c, o.pgbenchSeconds, out)
		if err != nil {
			return err
		}
		sqliteTPS = tps
	}
	cl := newClient(o.base, o.c)
	if err := cl.login(ctx, o.email, o.password); err != nil {
		return err
	}
	fmt.Fprintf(out, "setup: %d people, %d sessions of capacity %d…\n", o.n, o.sessions, o.capacity)
	people, sessions, err := setup(ctx, cl, o)
	if err != nil {
		return err
	}
	profiled, traced := make(chan error, 1), make(chan error, 1)
	if o.pprof != "" {
		// Three seconds from the first booking on: -n long enough to
		// cover them profiles the bookings alone.
		go func() { profiled <- fetchProfile(ctx, o.pprof, "profile?seconds=3", o.profile) }()
		if o.trace != "" {
			go func() { traced <- fetchProfile(ctx, o.pprof, "trace?seconds=1", o.trace) }()
		}
	}
	res := fire(ctx, cl, people, sessions, o.c)
	if o.pprof != "" {
		if err := <-profiled; err != nil {
			return err
		}
		fmt.Fprintf(out, "CPU profile of the server during the bookings: %s\n", o.profile)
		if o.trace != "" {
			if err := <-traced; err != nil {
				return err
			}
			fmt.Fprintf(out, "execution trace of the server during the bookings: %s\n", o.trace)
		}
	}
	res.print(out, o)
	if err := verify(ctx, cl, sessions, o, out); err != nil {
		return err
	}
	if ref != nil {
		ref.compare(out, res, o.sessions)
	}
	if sqliteTPS > 0 {
		share := res.throughput() / sqliteTPS
		fmt.Fprintf(out, "SQLite: %.0f bookings/s = %.0f %% of the bare transaction %.0f TPS (target ≥ 40 %%): %s\n",
			res.throughput(), 100*share, sqliteTPS, verdict(share >= 0.40))
	}
	return nil
}

type client struct {
	base  string
	token string
	http  *http.Client
}

func newClient(base string, conns int) *client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns = conns * 2
	tr.MaxIdleConnsPerHost = conns * 2
	tr.MaxConnsPerHost = 0
	return &client{base: base, http: &http.Client{Transport: tr, Timeout: 60 * time.Second}}
}

func (c *client) call(ctx context.Context, method, path string, body, out any) (int, error) {
	var r io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return 0, err
		}
		r = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, r)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	res, err := c.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		return res.StatusCode, err
	}
	if res.StatusCode >= 300 {
		return res.StatusCode, fmt.Errorf("%s %s: %d %s", method, path, res.StatusCode, data)
	}
	if out != nil {
		return res.StatusCode, json.Unmarshal(data, out)
	}
	return res.StatusCode, nil
}

func (c *client) login(ctx context.Context, email, password string) error {
	var out struct{ Token string }
	if _, err := c.call(ctx, "POST", "/api/v1/auth/token", map[string]string{"email": email, "password": password}, &out); err != nil {
		return err
	}
	c.token = out.Token
	return nil
}

// setup creates the people and sessions of the run, in parallel.
func setup(ctx context.Context, cl *client, o options) ([]int64, []int64, error) {
	stamp := time.Now().UnixNano()
	people := make([]int64, o.n)
	err := parallel(o.n, min(o.c, 32), func(i int) error {
		var p struct{ ID int64 }
		_, err := cl.call(ctx, "POST", "/api/v1/people", map[string]string{
			"name": fmt.Sprintf("Charge %d-%05d", stamp, i), "email": fmt.Sprintf("load-%d-%d@loadtest.example", stamp, i), "role": "staff",
		}, &p)
		people[i] = p.ID
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	sessions := make([]int64, o.sessions)
	start := time.Now().Add(30 * 24 * time.Hour).Truncate(time.Hour)
	err = parallel(o.sessions, 8, func(i int) error {
		var s struct{ ID int64 }
		_, err := cl.call(ctx, "POST", "/api/v1/sessions", map[string]any{
			"format": o.format, "starts_at": start.Add(time.Duration(i) * time.Hour).Format(time.RFC3339),
			"capacity": o.capacity, "location": map[string]string{"name": "Salle de charge"}, "allow_room_overlap": true,
		}, &s)
		sessions[i] = s.ID
		return err
	})
	return people, sessions, err
}

func parallel(n, workers int, fn func(i int) error) error {
	var (
		next  atomic.Int64
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if err := fn(i); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
					return
				}
			}
		}()
	}
	wg.Wait()
	return first
}

type result struct {
	elapsed   time.Duration
	latencies []time.Duration
	errors    int
	firstErr  error
}

// fire books person i into session i mod k, from c concurrent clients.
func fire(ctx context.Context, cl *client, people, sessions []int64, c int) result {
	lat := make([]time.Duration, len(people))
	var errs atomic.Int64
	var once sync.Once
	var firstErr error
	start := time.Now()
	_ = parallel(len(people), c, func(i int) error {
		t0 := time.Now()
		path := fmt.Sprintf("/api/v1/sessions/%d/registrations", sessions[i%len(sessions)])
		if _, err := cl.call(ctx, "POST", path, map[string]int64{"person_id": people[i]}, nil); err != nil {
			errs.Add(1)
			once.Do(func() { firstErr = err })
		}
		lat[i] = time.Since(t0)
		return nil
	})
	return result{elapsed: time.Since(start), latencies: lat, errors: int(errs.Load()), firstErr: firstErr}
}

func (r result) throughput() float64 { return float64(len(r.latencies)) / r.elapsed.Seconds() }

func (r result) print(out io.Writer, o options) {
	s := slices.Clone(r.latencies)
	slices.Sort(s)
	pct := func(p float64) time.Duration { return s[min(len(s)-1, int(p*float64(len(s))))] }
	fmt.Fprintf(out, "HTTP bookings: %d in %.2f s with %d clients over %d session(s): %.0f bookings/s; latency p50 %.1f ms, p99 %.1f ms, max %.1f ms; errors %d\n",
		len(s), r.elapsed.Seconds(), o.c, o.sessions, r.throughput(), ms(pct(0.50)), ms(pct(0.99)), ms(s[len(s)-1]), r.errors)
	if r.firstErr != nil {
		fmt.Fprintln(out, "first error:", r.firstErr)
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// verify checks every session's final counts: never more booked than the
// capacity, a waiting list at exactly 1..n.
func verify(ctx context.Context, cl *client, sessions []int64, o options, out io.Writer) error {
	totalBooked, totalWaiting := 0, 0
	for _, id := range sessions {
		var regs []struct {
			Status           string `json:"status"`
			WaitlistPosition *int   `json:"waitlist_position"`
		}
		if _, err := cl.call(ctx, "GET", fmt.Sprintf("/api/v1/sessions/%d/registrations", id), nil, &regs); err != nil {
			return err
		}
		booked := 0
		var pos []int
		for _, r := range regs {
			switch r.Status {
			case "booked":
				booked++
			case "waitlisted":
				pos = append(pos, *r.WaitlistPosition)
			}
		}
		slices.Sort(pos)
		for i, p := range pos {
			if p != i+1 {
				return fmt.Errorf("session %d: waiting list positions not 1..%d", id, len(pos))
			}
		}
		if booked > o.capacity {
			return fmt.Errorf("session %d OVERBOOKED: %d booked for %d seats", id, booked, o.capacity)
		}
		want := o.n / len(sessions)
		if booked+len(pos) != want && booked+len(pos) != want+1 {
			return fmt.Errorf("session %d: %d registrations, want about %d", id, booked+len(pos), want)
		}
		totalBooked += booked
		totalWaiting += len(pos)
	}
	fmt.Fprintf(out, "final: %d booked, %d waitlisted over %d session(s) of %d seats; waiting lists contiguous, nothing overbooked\n",
		totalBooked, totalWaiting, len(sessions), o.capacity)
	return nil
}

// fetchProfile writes what the server's pprof address answers for query
// (a profile or a trace, and for how long) to file.
func fetchProfile(ctx context.Context, addr, query, file string) error {
	req, err := http.NewRequestWithContext(ctx, "GET", fmt.Sprintf("http://%s/debug/pprof/%s", addr, query), nil)
	if err != nil {
		return err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("pprof: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("pprof: %s", res.Status)
	}
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, res.Body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
