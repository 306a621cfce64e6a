package ent

// This file is not generated.

// Dialect names the database the client talks to (dialect.SQLite or
// dialect.Postgres), for the few statements built with ent's SQL builder and
// run through QueryContext, whose rows their callers scan themselves.
func (c *Client) Dialect() string { return c.driver.Dialect() }
