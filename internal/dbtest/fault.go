package dbtest

import (
	"context"
	"net"
	"os"
	"sync/atomic"
	"syscall"

	"entgo.io/ent/dialect"
)

// ErrRefused is what a Faulty driver fails with: the error a database that
// is down gives a new connection.
var ErrRefused error = &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}

// Faulty is a driver wrapper that fails every statement, transaction and
// commit with ErrRefused while it is down, as if the database had gone away,
// on either dialect and in a fraction of the time of stopping a server.
// Install it with store.Options{Wrap: f.Wrap}.
type Faulty struct {
	down atomic.Bool
}

// Wrap wraps a driver; it is a store.Options.Wrap.
func (f *Faulty) Wrap(d dialect.Driver) dialect.Driver { return &faultyDriver{Driver: d, f: f} }

// SetDown makes the database fail (true) or work again (false).
func (f *Faulty) SetDown(down bool) { f.down.Store(down) }

func (f *Faulty) err() error {
	if f.down.Load() {
		return ErrRefused
	}
	return nil
}

type faultyDriver struct {
	dialect.Driver
	f *Faulty
}

func (d *faultyDriver) Exec(ctx context.Context, q string, args, v any) error {
	if err := d.f.err(); err != nil {
		return err
	}
	return d.Driver.Exec(ctx, q, args, v)
}

func (d *faultyDriver) Query(ctx context.Context, q string, args, v any) error {
	if err := d.f.err(); err != nil {
		return err
	}
	return d.Driver.Query(ctx, q, args, v)
}

func (d *faultyDriver) Tx(ctx context.Context) (dialect.Tx, error) {
	if err := d.f.err(); err != nil {
		return nil, err
	}
	tx, err := d.Driver.Tx(ctx)
	if err != nil {
		return nil, err
	}
	return &faultyTx{Tx: tx, f: d.f}, nil
}

type faultyTx struct {
	dialect.Tx
	f *Faulty
}

func (t *faultyTx) Exec(ctx context.Context, q string, args, v any) error {
	if err := t.f.err(); err != nil {
		return err
	}
	return t.Tx.Exec(ctx, q, args, v)
}

func (t *faultyTx) Query(ctx context.Context, q string, args, v any) error {
	if err := t.f.err(); err != nil {
		return err
	}
	return t.Tx.Query(ctx, q, args, v)
}

func (t *faultyTx) Commit() error {
	if err := t.f.err(); err != nil {
		t.Tx.Rollback()
		return err
	}
	return t.Tx.Commit()
}
