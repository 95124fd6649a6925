package command

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/torale-ai/torale/shared/contract"
)

// NewCmdFeed returns `torale feeds` (`torale feed` is its old name, kept as an alias).
func NewCmdFeed(f *Factory) *cobra.Command {
	var rotate, asJSON bool
	var taskID string
	cmd := &cobra.Command{
		Use:     "feeds",
		Aliases: []string{"feed"},
		Short:   "Print your Atom and JSON feed URLs",
		Long: `Print the URLs of your Atom and JSON feeds, for a feed reader that follows your watches
without an account: every notification, or one task's with --task. Anyone with a URL can read
the feed; --rotate makes new URLs and the old ones stop working at once.`,
		Example: "  torale feeds\n  torale feeds --task 3f2c... --json\n  torale feeds --rotate",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := f.Client()
			if err != nil {
				return err
			}
			if taskID != "" {
				id, err := parseID(taskID, "task")
				if err != nil {
					return err
				}
				taskID = id.String()
			}
			var urls contract.FeedURLs
			if rotate {
				urls, err = c.RotateFeed(cmd.Context())
			} else {
				urls, err = c.Feed(cmd.Context())
			}
			if err != nil {
				return err
			}
			atom, js := urls.AtomURL, urls.JSONURL
			if taskID != "" {
				atom = strings.Replace(urls.TaskAtomURL, "{task_id}", taskID, 1)
				js = strings.Replace(urls.TaskJSONURL, "{task_id}", taskID, 1)
			}
			if asJSON {
				return writeJSON(f.IO.Out, struct {
					Atom string `json:"atom_url"`
					JSON string `json:"json_url"`
				}{atom, js})
			}
			fmt.Fprintln(f.IO.Out, "Atom:", atom)
			fmt.Fprintln(f.IO.Out, "JSON:", js)
			if rotate {
				fmt.Fprintln(f.IO.Err, "The old feed URLs no longer work; give your feed reader these.")
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&rotate, "rotate", false, "make new URLs; the old ones stop working at once")
	cmd.Flags().StringVar(&taskID, "task", "", "the URLs of this task's feed")
	addJSONFlag(cmd, &asJSON)
	return cmd
}
