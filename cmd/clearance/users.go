package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"golang.org/x/term"

	"github.com/clearance-oss/clearance/store"
)

func init() {
	register("users", "create, list and disable web-console users", runUsers)
}

func runUsers(ctx context.Context, env *Env, args []string) error {
	return subcommand(ctx, env, "users", args, map[string]func(context.Context, *Env, []string) error{
		"create":  runUsersCreate,
		"list":    runUsersList,
		"disable": runUsersDisable,
	}, "create|list|disable")
}

func runUsersCreate(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "users create", "--name NAME --role viewer|analyst|admin [--password-stdin]")
	name := fs.String("name", "", "sign-in name")
	role := fs.String("role", "", "viewer, analyst or admin (as for API keys)")
	fromStdin := fs.Bool("password-stdin", false, "read the password from the first line of stdin instead of prompting")
	sf := addStoreFlags(fs, env)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, pos[0])
	}
	if *name == "" {
		return fmt.Errorf("%w: --name is required", errUsage)
	}
	r, err := store.ParseRole(*role)
	if err != nil {
		return fmt.Errorf("%w: --role: %v", errUsage, err)
	}
	password, err := readPassword(env, *fromStdin)
	if err != nil {
		return err
	}
	s, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	u, err := s.CreateUser(ctx, *name, r, password)
	if err != nil {
		return err
	}
	if err := auditAdmin(ctx, s, env, store.KindUserCreate, map[string]any{"id": u.ID, "name": u.Name, "role": u.Role}); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Created user %q (role %s) in %s.\n", u.Name, u.Role, sf.describe())
	return nil
}

// readPassword takes the password from stdin's first line (--password-stdin,
// for scripts) or prompts twice on a terminal without echo.
func readPassword(env *Env, fromStdin bool) (string, error) {
	if fromStdin {
		line, err := bufio.NewReader(env.Stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return "", fmt.Errorf("reading password from stdin: %w", err)
		}
		return strings.TrimRight(line, "\r\n"), nil
	}
	f, ok := env.Stdin.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return "", fmt.Errorf("%w: stdin is not a terminal: pass --password-stdin and pipe the password", errUsage)
	}
	fmt.Fprint(env.Stderr, "Password: ")
	p1, err := term.ReadPassword(int(f.Fd()))
	fmt.Fprintln(env.Stderr)
	if err != nil {
		return "", fmt.Errorf("reading password: %w", err)
	}
	fmt.Fprint(env.Stderr, "Again: ")
	p2, err := term.ReadPassword(int(f.Fd()))
	fmt.Fprintln(env.Stderr)
	if err != nil {
		return "", fmt.Errorf("reading password: %w", err)
	}
	if string(p1) != string(p2) {
		return "", errors.New("the passwords differ")
	}
	return string(p1), nil
}

func runUsersList(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "users list", "[--json]")
	asJSON := fs.Bool("json", false, "print JSON")
	sf := addStoreFlags(fs, env)
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	s, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	users, err := s.ListUsers(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(users)
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tROLE\tCREATED\tSTATUS")
	for _, u := range users {
		status := "active"
		if u.DisabledAt != nil {
			status = "disabled " + u.DisabledAt.Format("2006-01-02 15:04")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", u.Name, u.Role, u.CreatedAt.Format("2006-01-02 15:04"), status)
	}
	return tw.Flush()
}

func runUsersDisable(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "users disable", "NAME")
	sf := addStoreFlags(fs, env)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("%w: want exactly one user name", errUsage)
	}
	s, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.DisableUser(ctx, pos[0]); err != nil {
		return err
	}
	if err := auditAdmin(ctx, s, env, store.KindUserDisable, map[string]any{"name": pos[0]}); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Disabled user %q and ended their sessions.\n", pos[0])
	return nil
}
