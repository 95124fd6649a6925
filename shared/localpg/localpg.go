// Package localpg runs a private PostgreSQL cluster from the server binaries already on the
// machine, for torale dev: created once under a data directory, reused on the next start,
// reached over a unix socket only, and stopped when the platform exits.
package localpg

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// Cluster is a running local PostgreSQL.
type Cluster struct {
	dir   string
	bin   string
	owner *user.User // set when running as root: the binaries run as this user
}

// FindBinaries returns the directory holding initdb and pg_ctl: from PATH, else the newest
// /usr/lib/postgresql/*/bin.
func FindBinaries() (string, error) {
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		if _, err := exec.LookPath("initdb"); err == nil {
			return filepath.Dir(p), nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return majorOf(dirs[i]) > majorOf(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	return "", errors.New("no PostgreSQL server binaries (initdb, pg_ctl) on PATH or under /usr/lib/postgresql; install PostgreSQL 15 or newer, or set DATABASE_URL")
}

func majorOf(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

// Start creates the cluster under dir on first use and starts it. A server left running by a
// platform that was killed is adopted as it is.
func Start(ctx context.Context, dir string) (*Cluster, error) {
	bin, err := FindBinaries()
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	c := &Cluster{dir: abs, bin: bin}
	if os.Geteuid() == 0 {
		// PostgreSQL refuses to run as root; run it as the postgres user, as packages do.
		if c.owner, err = user.Lookup("postgres"); err != nil {
			return nil, errors.New("running as root needs a 'postgres' user to run PostgreSQL as; create one or run as another user")
		}
	}
	if err := c.prepare(ctx); err != nil {
		return nil, err
	}
	if err := c.start(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Cluster) dataDir() string { return filepath.Join(c.dir, "data") }

// SocketDir is where the server's unix socket lives.
func (c *Cluster) SocketDir() string { return filepath.Join(c.dir, "run") }

// URL is the connection URL of the cluster's "torale" database.
func (c *Cluster) URL() string {
	return "postgres://torale@/torale?host=" + c.SocketDir() + "&sslmode=disable"
}

func (c *Cluster) prepare(ctx context.Context) error {
	// Parents stay traversable (0755) so that the postgres user reaches the cluster when we
	// run as root; the cluster's own directories are private to it.
	if err := os.MkdirAll(filepath.Dir(c.dir), 0o755); err != nil {
		return err
	}
	for _, d := range []string{c.dir, c.SocketDir()} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return err
		}
		if err := c.chown(d); err != nil {
			return err
		}
	}
	if c.owner != nil {
		probe := exec.CommandContext(ctx, "runuser", "-u", c.owner.Username, "--", "test", "-w", c.dir)
		if probe.Run() != nil {
			return fmt.Errorf("PostgreSQL runs as the %s user, which cannot reach %s; choose a --data-dir whose parent directories others may enter", c.owner.Username, c.dir)
		}
	}
	if _, err := os.Stat(filepath.Join(c.dataDir(), "PG_VERSION")); err == nil {
		return nil
	}
	out, err := c.run(ctx, "initdb", "-D", c.dataDir(), "-U", "torale", "--auth=trust", "-E", "UTF8",
		"--no-locale", "--no-sync")
	if err != nil {
		return fmt.Errorf("creating the database cluster with initdb: %w\n%s", err, out)
	}
	return nil
}

func (c *Cluster) start(ctx context.Context) error {
	if _, ok := c.runningPID(); ok {
		// A platform that was killed leaves its server running; adopt it, and stop it on exit.
		return c.ensureDatabase(ctx)
	}
	opts := fmt.Sprintf("-k %s -c listen_addresses='' -c unix_socket_permissions=0777", c.SocketDir())
	out, err := c.run(ctx, "pg_ctl", "-D", c.dataDir(), "-l", filepath.Join(c.dir, "postgres.log"),
		"-w", "-t", "30", "-o", opts, "start")
	if err != nil {
		return fmt.Errorf("starting PostgreSQL (log: %s): %w\n%s", filepath.Join(c.dir, "postgres.log"), err, out)
	}
	if err := c.ensureDatabase(ctx); err != nil {
		return errors.Join(err, c.Stop())
	}
	return nil
}

// ensureDatabase creates the torale database on the cluster's first start.
func (c *Cluster) ensureDatabase(ctx context.Context) error {
	conn, err := pgx.Connect(ctx, "postgres://torale@/postgres?host="+c.SocketDir()+"&sslmode=disable")
	if err != nil {
		return fmt.Errorf("connecting to the new cluster: %w", err)
	}
	defer conn.Close(ctx)
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'torale')`).Scan(&exists); err != nil {
		return fmt.Errorf("checking for the torale database: %w", err)
	}
	if !exists {
		if _, err := conn.Exec(ctx, `CREATE DATABASE torale`); err != nil {
			return fmt.Errorf("creating the torale database: %w", err)
		}
	}
	return nil
}

// runningPID reads postmaster.pid and reports whether that process is alive.
func (c *Cluster) runningPID() (int, bool) {
	b, err := os.ReadFile(filepath.Join(c.dataDir(), "postmaster.pid"))
	if err != nil {
		return 0, false
	}
	line, _, _ := bytes.Cut(b, []byte("\n"))
	pid, err := strconv.Atoi(strings.TrimSpace(string(line)))
	if err != nil || pid <= 0 {
		return 0, false
	}
	p, err := os.FindProcess(pid)
	if err != nil || p.Signal(syscallZero) != nil {
		return 0, false
	}
	return pid, true
}

// Stop shuts the server down fast: open sessions are closed, committed data is safe.
func (c *Cluster) Stop() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := c.run(ctx, "pg_ctl", "-D", c.dataDir(), "-m", "fast", "-w", "stop")
	if err != nil {
		return fmt.Errorf("stopping PostgreSQL: %w\n%s", err, out)
	}
	return nil
}

func (c *Cluster) run(ctx context.Context, name string, args ...string) ([]byte, error) {
	path := filepath.Join(c.bin, name)
	cmd := exec.CommandContext(ctx, path, args...)
	if c.owner != nil {
		cmd = exec.CommandContext(ctx, "runuser", append([]string{"-u", c.owner.Username, "--", path}, args...)...)
	}
	cmd.Dir = c.dir
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	return cmd.CombinedOutput()
}

func (c *Cluster) chown(path string) error {
	if c.owner == nil {
		return nil
	}
	uid, _ := strconv.Atoi(c.owner.Uid)
	gid, _ := strconv.Atoi(c.owner.Gid)
	return os.Chown(path, uid, gid)
}
