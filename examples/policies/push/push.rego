# Push (git push) policy: decides what a push or pull request event does to a stack. `track`
# starts a tracked run (a deployment), `propose` a proposed run (a preview), and `ignore` skips
# the event entirely, whatever the other rules say.
#
# Input: `input.push` (`branch`, `affected_files`, …), `input.pull_request` (null for plain
# pushes; `id`, `head`, `labels`, …) and `input.stack` (`branch`, `project_root`, …).
package spacelift

import rego.v1

# Deploy what lands on the stack's tracked branch.
track if input.push.branch == input.stack.branch

# Preview every pull request against the tracked branch.
propose if input.pull_request.base.branch == input.stack.branch

# Skip pushes that only change documentation: nothing to plan.
ignore if docs_only

docs_only if {
	count(input.push.affected_files) > 0
	every file in input.push.affected_files {
		documentation(file)
	}
}

documentation(file) if endswith(lower(file), ".md")

documentation(file) if startswith(file, "docs/")

documentation(file) if regex.match(`(^|/)(LICENSE|CODEOWNERS|\.gitignore)$`, file)
