package command

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/spf13/cobra"

	"github.com/torale-ai/torale/shared/client"
)

// NewCmdAuth returns `torale auth`.
func NewCmdAuth(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "auth <subcommand>",
		Short:   "Sign in with an API key, sign out, see who you are",
		Example: "  torale auth login\n  echo $KEY | torale auth login --with-token\n  torale auth status",
	}
	cmd.AddCommand(newCmdAuthLogin(f), newCmdAuthLogout(f), newCmdAuthStatus(f))
	return cmd
}

func newCmdAuthLogin(f *Factory) *cobra.Command {
	var withToken bool
	var apiURL string
	cmd := &cobra.Command{
		Use:   "login",
		Short: "Store an API key after checking it against the API",
		Long: `Store an API key (tor_...) in the config file, readable only by you, after checking it
against the API. Create a key in the dashboard (Settings, API keys) or with
'torale keys create'.`,
		Example: `  torale auth login
  torale auth login --with-token < key.txt
  torale auth login --api-url http://127.0.0.1:8080 --with-token <<< "$KEY"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			token, err := readToken(f, withToken)
			if err != nil {
				return err
			}
			s, err := f.Session()
			if err != nil {
				return err
			}
			if apiURL != "" {
				s.APIURL = strings.TrimRight(apiURL, "/")
			}
			me, err := f.clientFor(s.APIURL, token).Me(cmd.Context())
			if client.StatusOf(err) == http.StatusUnauthorized {
				return authError{fmt.Errorf("the API at %s refused the key: %w", s.APIURL, err)}
			}
			if err != nil {
				return err
			}
			settings, err := f.LoadSettings()
			if err != nil {
				return err
			}
			settings.Token = token
			if apiURL != "" {
				settings.APIURL = s.APIURL
			}
			if err := f.SaveSettings(settings); err != nil {
				return err
			}
			fmt.Fprintf(f.IO.Out, "Logged in to %s as %s.\n", s.APIURL, who(me.Email, me.DisplayName, me.ID.String()))
			return nil
		},
	}
	cmd.Flags().BoolVar(&withToken, "with-token", false, "read the key from standard input")
	cmd.Flags().StringVar(&apiURL, "api-url", "", "the API to use from now on (default "+DefaultAPIURL+")")
	return cmd
}

func readToken(f *Factory, fromStdin bool) (string, error) {
	if !fromStdin {
		if !f.IO.InTTY {
			return "", usagef("no terminal to ask on: pass the key on standard input with --with-token")
		}
		fmt.Fprint(f.IO.Err, "Paste an API key (tor_...): ")
	}
	line, err := bufio.NewReader(f.IO.In).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", err
	}
	token := strings.TrimSpace(line)
	if token == "" {
		return "", usagef("no key given")
	}
	return token, nil
}

func who(email, name, id string) string {
	return firstOf(email, name, id)
}

func newCmdAuthLogout(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "logout",
		Short:   "Forget the stored API key",
		Example: "  torale auth logout",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := f.LoadSettings()
			if err != nil {
				return err
			}
			if s.Token == "" {
				fmt.Fprintln(f.IO.Out, "Not logged in.")
				return nil
			}
			s.Token = ""
			if err := f.SaveSettings(s); err != nil {
				return err
			}
			fmt.Fprintln(f.IO.Out, "Logged out. The key still works until you revoke it (torale keys revoke).")
			return nil
		},
	}
}

func newCmdAuthStatus(f *Factory) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:     "status",
		Short:   "Show which API you use and as whom",
		Example: "  torale auth status\n  torale auth status --json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := f.Session()
			if err != nil {
				return err
			}
			me, err := f.clientFor(s.APIURL, s.Token).Me(cmd.Context())
			if client.StatusOf(err) == http.StatusUnauthorized {
				if s.Token == "" {
					return authError{fmt.Errorf("not logged in to %s; run 'torale auth login'", s.APIURL)}
				}
				return authError{fmt.Errorf("the key from %s is refused by %s: %w", s.TokenSource, s.APIURL, err)}
			}
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(f.IO.Out, map[string]any{"api_url": s.APIURL, "token_source": s.TokenSource, "user": me})
			}
			p := f.printer()
			source := s.TokenSource
			if source == "" {
				source = "none (local dev user)"
			}
			return p.fields([][2]string{{"api", s.APIURL}, {"user", who(me.Email, me.DisplayName, me.ID.String())},
				{"role", string(me.Role)}, {"key from", source}})
		},
	}
	addJSONFlag(cmd, &asJSON)
	return cmd
}
