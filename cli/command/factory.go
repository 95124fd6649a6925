package command

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/torale-ai/torale/shared/client"
)

// DefaultAPIURL is the hosted API; TORALE_API_URL or `torale auth login --api-url` change it
// (for torale dev: http://127.0.0.1:8080).
const DefaultAPIURL = "https://api.torale.ai"

// Factory gives commands what they share: streams, environment, settings and the API client.
// Tests build one with their own streams, environment and HTTP client.
type Factory struct {
	IO     IO
	Getenv func(string) string
	// HTTPClient, when set, carries every API call (tests inject a recording transport).
	HTTPClient *http.Client
	// Now is the clock (time.Now outside tests).
	Now func() time.Time
}

// Settings is what `torale auth login` stores.
type Settings struct {
	APIURL string `json:"api_url,omitempty"`
	Token  string `json:"token,omitempty"`
}

// ConfigDir is $TORALE_CONFIG_DIR, else $XDG_CONFIG_HOME/torale, else ~/.config/torale.
func (f *Factory) ConfigDir() (string, error) {
	if d := f.Getenv("TORALE_CONFIG_DIR"); d != "" {
		return d, nil
	}
	if d := f.Getenv("XDG_CONFIG_HOME"); d != "" {
		return filepath.Join(d, "torale"), nil
	}
	home := f.Getenv("HOME")
	if home == "" {
		var err error
		if home, err = os.UserHomeDir(); err != nil {
			return "", errors.New("cannot find a config directory: set TORALE_CONFIG_DIR")
		}
	}
	return filepath.Join(home, ".config", "torale"), nil
}

func (f *Factory) settingsPath() (string, error) {
	dir, err := f.ConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "config.json"), nil
}

// LoadSettings reads the stored settings; a missing file is empty settings.
func (f *Factory) LoadSettings() (Settings, error) {
	var s Settings
	path, err := f.settingsPath()
	if err != nil {
		return s, err
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return s, err
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return s, fmt.Errorf("%s is not valid JSON (%w); fix it or run 'torale auth logout'", path, err)
	}
	return s, nil
}

// SaveSettings writes the settings readable by the user only (0600).
func (f *Factory) SaveSettings(s Settings) error {
	path, err := f.settingsPath()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	b, _ := json.MarshalIndent(s, "", "  ")
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// Session is where and as whom the CLI calls the API, and where each came from.
type Session struct {
	APIURL      string
	Token       string
	TokenSource string // "TORALE_TOKEN", the config file path, or "" when there is none
}

// Session resolves the API URL and token: TORALE_API_URL and TORALE_TOKEN override the
// config file.
func (f *Factory) Session() (Session, error) {
	s, err := f.LoadSettings()
	if err != nil {
		return Session{}, err
	}
	out := Session{APIURL: firstOf(f.Getenv("TORALE_API_URL"), s.APIURL, DefaultAPIURL), Token: s.Token}
	if s.Token != "" {
		out.TokenSource, _ = f.settingsPath()
	}
	if t := f.Getenv("TORALE_TOKEN"); t != "" {
		out.Token, out.TokenSource = t, "TORALE_TOKEN"
	}
	out.APIURL = strings.TrimRight(out.APIURL, "/")
	return out, nil
}

// Client returns an API client for the session. Without a token it still works against
// torale dev, which accepts local users.
func (f *Factory) Client() (*client.Client, error) {
	s, err := f.Session()
	if err != nil {
		return nil, err
	}
	return f.clientFor(s.APIURL, s.Token), nil
}

func (f *Factory) clientFor(url, token string) *client.Client {
	opts := []client.Option{client.WithUserAgent("torale-cli")}
	if token != "" {
		opts = append(opts, client.WithToken(token))
	}
	if f.HTTPClient != nil {
		opts = append(opts, client.WithHTTPClient(f.HTTPClient))
	}
	return client.New(url, opts...)
}

func firstOf(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

// isTerminal reports whether w is a terminal (a character device), which decides between
// tables and tab-separated lines, colours, prompts and spinners.
func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
