package command

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/torale-ai/torale/shared/contract"
	"github.com/torale-ai/torale/shared/store"
)

// NewCmdAdminRole returns `torale admin grant` (grant true) or `torale admin revoke`: the
// operator's way to make the first admin, working on the database directly like `torale
// migrate`, since no API lets anyone make themselves an admin.
func NewCmdAdminRole(f *Factory, grant bool) *cobra.Command {
	use, short, role := "grant EMAIL|USER_ID", "Make a user an admin (works on the database directly)", store.RoleAdmin
	example := `  DATABASE_URL=postgres://torale@localhost/torale torale admin grant ada@example.com
  torale admin grant 5f1e0b7a-3c4d-4e5f-8a9b-0c1d2e3f4a5b --json`
	if !grant {
		use, short, role = "revoke EMAIL|USER_ID", "Take a user's admin role away (works on the database directly)", store.RoleUser
		example = `  DATABASE_URL=postgres://torale@localhost/torale torale admin revoke ada@example.com
  torale admin revoke 5f1e0b7a-3c4d-4e5f-8a9b-0c1d2e3f4a5b --json`
	}
	var asJSON bool
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Long: short + `.

The user is named by the email address they signed in with (compared without case) or by their
user id (GET /api/v1/me shows it). They must have signed in once: users are created on their
first request. The database is DATABASE_URL, reached through the Cloud SQL connector with IAM
authentication when TORALE_CLOUDSQL_INSTANCE is set, as for torale migrate. An unknown user is
exit code 2.`,
		Example: example,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := openDatabase(cmd, f.Getenv)
			if err != nil {
				return err
			}
			defer s.Close()
			u, err := s.FindUser(cmd.Context(), args[0])
			switch {
			case errors.Is(err, store.ErrNotFound):
				return usagef("no user is %q; they must sign in once before they can be an admin", args[0])
			case errors.Is(err, store.ErrAmbiguousUser):
				return usagef("more than one user has the address %q; name the user by id instead", args[0])
			case err != nil:
				return err
			}
			was := u.Role
			// Logged in the admin log with no actor: an operator on the database.
			if _, err := s.ChangeUserRole(cmd.Context(), nil, u.ID, role, f.now()); err != nil {
				return err
			}
			u.Role = role
			if asJSON {
				return writeJSON(f.IO.Out, contract.User{ID: u.ID, Email: u.Email, DisplayName: u.DisplayName,
					Role: contract.Role(u.Role), IsAdmin: u.Role == store.RoleAdmin, CreatedAt: u.CreatedAt,
					DeactivatedAt: u.DeactivatedAt})
			}
			fmt.Fprintln(f.IO.Out, roleMessage(userLabel(u), was, role))
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the user as JSON, in the shape GET /api/v1/me answers")
	return cmd
}

func userLabel(u store.User) string {
	if u.Email != "" {
		return fmt.Sprintf("%s (%s)", u.Email, u.ID)
	}
	return u.ID.String()
}

func roleMessage(who string, was, now store.Role) string {
	switch {
	case was == now && now == store.RoleAdmin:
		return who + " is already an admin."
	case was == now:
		return who + " is not an admin; nothing to revoke."
	case now == store.RoleAdmin:
		return who + " is now an admin."
	}
	return who + " is no longer an admin."
}
