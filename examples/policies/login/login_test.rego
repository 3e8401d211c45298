package spacelift

import rego.v1

spaces := [
	{"id": "root", "name": "root", "labels": []},
	{"id": "payments", "name": "Payments", "labels": ["team:engineering"]},
	{"id": "warehouse", "name": "Warehouse", "labels": ["team:data", "contractors"]},
]

session(login, teams, member) := {
	"request": {"remote_ip": "203.0.113.7", "timestamp_ns": 1700000000000000000},
	"session": {"login": login, "teams": teams, "member": member, "name": login},
	"spaces": spaces,
}

test_platform_team_members_are_admins if {
	admin with input as session("alice", ["Platform"], true)
	not deny with input as session("alice", ["Platform"], true)
}

test_engineers_log_in_without_admin if {
	allow with input as session("bob", ["Engineering"], true)
	not admin with input as session("bob", ["Engineering"], true)
	not deny with input as session("bob", ["Engineering"], true)
}

test_engineers_write_their_team_space_and_read_all if {
	space_write == {"payments"} with input as session("bob", ["Engineering"], true)
	space_read == {"root", "payments", "warehouse"} with input as session("bob", ["Engineering"], true)
}

test_data_team_writes_the_warehouse if {
	space_write == {"warehouse"} with input as session("erin", ["Data"], true)
}

test_company_email_logs_in_without_a_team if {
	allow with input as session("frank@Example.com", [], true)
	count(space_write) == 0 with input as session("frank@Example.com", [], true)
}

test_non_members_are_denied if {
	deny with input as session("mallory", ["Engineering"], false)
}

test_unknown_members_are_not_allowed if {
	not allow with input as session("grace", ["Marketing"], true)
	not admin with input as session("grace", ["Marketing"], true)
}

test_contractors_read_only_their_spaces_and_never_admin if {
	inp := session("carol@consultancy.example", ["Platform"], false)
	allow with input as inp
	not deny with input as inp
	deny_admin with input as inp
	space_read == {"warehouse"} with input as inp
	count(space_write) == 0 with input as inp
}

test_team_admin_needs_membership if {
	# A "Platform" team claimed by a non-member (another organization's team) is not enough.
	not admin with input as session("eve", ["Platform"], false)
	deny with input as session("eve", ["Platform"], false)
}
