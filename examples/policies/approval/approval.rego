# Approval policy: decides when a run waiting for approval may proceed. `approve` lets it go,
# `reject` stops it; with neither, the run keeps waiting for reviews.
#
# Input: `input.reviews.current.approvals` / `.rejections` (reviews of the run's current state,
# each with the reviewer as `author`), `input.run` (`type`, `creator_session`, …).
package spacelift

import rego.v1

# Distinct people who must approve a deployment.
required_approvals := 2

# Approvals count once per person, and never from whoever started the run.
approvers contains review.author if {
	some review in input.reviews.current.approvals
	review.author != input.run.creator_session.login
}

# Deployments (tracked runs) need two approvals; other runs (proposed runs, tasks) need none.
approve if input.run.type != "TRACKED"

approve if count(approvers) >= required_approvals

# One rejection stops the run.
reject if count(input.reviews.current.rejections) > 0
