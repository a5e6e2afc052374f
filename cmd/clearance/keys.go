package main

import (
	"context"
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"github.com/clearance-oss/clearance/store"
)

func init() {
	register("keys", "create, list and revoke API keys", runKeys)
}

// subcommand dispatches "clearance <group> <sub> ..." to one of subs.
func subcommand(ctx context.Context, env *Env, group string, args []string, subs map[string]func(context.Context, *Env, []string) error, names string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintf(env.Stderr, "Usage: clearance %s %s [flags]\n", group, names)
		if len(args) == 0 {
			return fmt.Errorf("%w: missing subcommand (%s)", errUsage, names)
		}
		return nil
	}
	fn, ok := subs[args[0]]
	if !ok {
		return fmt.Errorf("%w: unknown subcommand %q (want %s)", errUsage, args[0], names)
	}
	return fn(ctx, env, args[1:])
}

func runKeys(ctx context.Context, env *Env, args []string) error {
	return subcommand(ctx, env, "keys", args, map[string]func(context.Context, *Env, []string) error{
		"create": runKeysCreate,
		"list":   runKeysList,
		"revoke": runKeysRevoke,
	}, "create|list|revoke")
}

// runKeysCreate creates a key and prints it as the LAST line of stdout, so
// scripts can take it with `| tail -n 1`.
func runKeysCreate(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "keys create", "--role viewer|analyst|admin [--name NAME]")
	role := fs.String("role", "", "what the key may do: viewer (search), analyst (screen, check, batches) or admin (keys, settings)")
	name := fs.String("name", "", "a label for the key, e.g. the system that uses it")
	sf := addStoreFlags(fs, env)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, pos[0])
	}
	r, err := store.ParseRole(*role)
	if err != nil {
		return fmt.Errorf("%w: --role: %v", errUsage, err)
	}
	s, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	actor := cliActor(env)
	k, plaintext, err := s.CreateKey(ctx, *name, r, actor)
	if err != nil {
		return err
	}
	// The key itself never enters the audit trail, only its id.
	if err := auditAdmin(ctx, s, env, store.KindKeyCreate, map[string]any{"id": k.ID, "name": k.Name, "role": k.Role}); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Created API key %s (role %s%s) in %s.\n", k.ID, k.Role, nameSuffix(k.Name), sf.describe())
	fmt.Fprintln(env.Stdout, "Keep it now: only its hash is stored, it cannot be shown again.")
	fmt.Fprintln(env.Stdout, plaintext)
	return nil
}

func nameSuffix(name string) string {
	if name == "" {
		return ""
	}
	return fmt.Sprintf(", name %q", name)
}

// auditAdmin records an administrative action taken from the CLI.
func auditAdmin(ctx context.Context, s store.AuditTrail, env *Env, kind store.Kind, request any) error {
	req, err := json.Marshal(request)
	if err != nil {
		return err
	}
	_, err = s.AppendAudit(ctx, store.Record{
		Actor: cliActor(env), Kind: kind, Decision: "ok", Origin: "cli", Node: auditNode(), Request: req,
	})
	if err != nil {
		return fmt.Errorf("audit record for %s: %w", kind, err)
	}
	return nil
}

func runKeysList(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "keys list", "[--json]")
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
	keys, err := s.ListKeys(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(keys)
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tROLE\tNAME\tCREATED\tBY\tSTATUS")
	for _, k := range keys {
		status := "active"
		if k.RevokedAt != nil {
			status = "revoked " + k.RevokedAt.Format("2006-01-02 15:04")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", k.ID, k.Role, k.Name, k.CreatedAt.Format("2006-01-02 15:04"), k.CreatedBy, status)
	}
	return tw.Flush()
}

func runKeysRevoke(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "keys revoke", "ID")
	sf := addStoreFlags(fs, env)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("%w: want exactly one key id (see 'clearance keys list')", errUsage)
	}
	s, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.RevokeKey(ctx, pos[0]); err != nil {
		return err
	}
	if err := auditAdmin(ctx, s, env, store.KindKeyRevoke, map[string]any{"id": pos[0]}); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Revoked API key %s.\n", pos[0])
	return nil
}
