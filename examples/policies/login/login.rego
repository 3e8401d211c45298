# Login policy: decides who may log in to the account and with which role. Rules: `allow`
# (member), `admin` (account admin), `deny` and `deny_admin` (win over the others), and
# `space_read` / `space_write` / `space_admin` (sets of space IDs the user gets that role in).
#
# Input: `input.session` has `login` (GitHub username, or e-mail address with SSO), `teams`
# (GitHub team names or IdP groups) and `member` (member of the linked organization);
# `input.spaces` lists the account's spaces with their labels.
package spacelift

import rego.v1

# GitHub teams whose members administer the whole account.
admin_teams := {"Platform"}

# GitHub teams whose members may log in; each gets write access to the spaces labelled
# `team:<team name in lower case>` and read access to every other space.
member_teams := {"Engineering", "Data", "Platform"}

# People outside the organization (consultants), by e-mail: read access to spaces labelled
# `contractors` only, never admin.
contractor_emails := {"carol@consultancy.example", "dave@consultancy.example"}

# Our own domain, for people who log in with SSO before their team is set up.
company_domain := "@example.com"

login := input.session.login

teams := {team | some team in input.session.teams}

contractor if login in contractor_emails

admin if {
	some team in teams
	team in admin_teams
	input.session.member
}

allow if {
	some team in teams
	team in member_teams
}

allow if endswith(lower(login), company_domain)

allow if contractor

# Only organization members (and the listed contractors) get in at all.
deny if {
	not input.session.member
	not contractor
}

deny_admin if contractor

space_write contains space.id if {
	some space in input.spaces
	some team in teams
	team in member_teams
	sprintf("team:%s", [lower(team)]) in space.labels
}

space_read contains space.id if {
	some space in input.spaces
	not contractor
	allow
}

space_read contains space.id if {
	some space in input.spaces
	contractor
	"contractors" in space.labels
}
