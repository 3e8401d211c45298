package spacelift

import rego.v1

review(author) := {"author": author, "state": "UNCONFIRMED", "state_version": 1, "request": {}, "session": {}}

run(type, approvals, rejections) := {
	"run": {"id": "01RUN", "type": type, "creator_session": {"login": "alice"}},
	"reviews": {
		"current": {
			"approvals": [review(a) | some a in approvals],
			"rejections": [review(r) | some r in rejections],
		},
		"older": {"approvals": [], "rejections": []},
	},
}

test_deployment_waits_without_approvals if {
	not approve with input as run("TRACKED", [], [])
	not reject with input as run("TRACKED", [], [])
}

test_one_approval_is_not_enough if {
	not approve with input as run("TRACKED", ["bob"], [])
}

test_two_people_approve_a_deployment if {
	approve with input as run("TRACKED", ["bob", "carol"], [])
}

test_the_same_person_twice_counts_once if {
	not approve with input as run("TRACKED", ["bob", "bob"], [])
}

test_the_run_creator_cannot_approve_it if {
	not approve with input as run("TRACKED", ["alice", "bob"], [])
}

test_a_rejection_stops_the_run if {
	reject with input as run("TRACKED", ["bob", "carol"], ["dave"])
}

test_proposed_runs_need_no_approval if {
	approve with input as run("PROPOSED", [], [])
}
