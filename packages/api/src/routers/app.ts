import { z } from 'zod';
import {
  addMember,
  addMemberInput,
  changeMemberRole,
  changeMemberRoleInput,
  confirmRun,
  createStack,
  deleteStack,
  deleteVariable,
  deleteVariableInput,
  discardRun,
  getRun,
  getStack,
  idInput,
  invitationSignUpInput,
  invitationTokenOnlyInput,
  listInvitations,
  listMembers,
  listRuns,
  listRunsInput,
  listStacks,
  listVariables,
  listVariablesInput,
  removeMember,
  removeMemberInput,
  retryRun,
  revokeInvitation,
  revokeInvitationInput,
  setVariableInput,
  setVariable,
  signUpInput,
  stackInput,
  stackListInput,
  stackUpdateInput,
  stopRun,
  triggerRun,
  triggerRunInput,
  unlockStack,
  updateStack,
} from '@gantry/core';
import { accountProcedure, authedProcedure, publicProcedure, router } from '../trpc.ts';

// Routers are thin: an input schema (shared with core, which validates again) and one use-case call.
const byId = z.object({ id: idInput });

export const appRouter = router({
  auth: router({
    signUp: publicProcedure.input(signUpInput).mutation(({ ctx, input }) => ctx.signUp(input)),
  }),
  me: router({
    get: authedProcedure.query(({ ctx }) => ctx.getMe(ctx.userId)),
  }),
  members: router({
    list: accountProcedure.query(({ ctx }) => listMembers(ctx.scope)),
    /** Invites the email, whether or not it has a Gantry user (token returned once); they join by accepting. */
    add: accountProcedure.input(addMemberInput).mutation(({ ctx, input }) => addMember(ctx.scope, ctx.directory, input)),
    updateRole: accountProcedure.input(changeMemberRoleInput).mutation(({ ctx, input }) => changeMemberRole(ctx.scope, input)),
    remove: accountProcedure.input(removeMemberInput).mutation(({ ctx, input }) => removeMember(ctx.scope, input)),
  }),
  invitations: router({
    list: accountProcedure.query(({ ctx }) => listInvitations(ctx.scope)),
    revoke: accountProcedure.input(revokeInvitationInput).mutation(({ ctx, input }) => revokeInvitation(ctx.scope, input)),
    /** What a link offers (account, email, role, expiry); anyone holding the link may ask. */
    lookup: publicProcedure.input(invitationTokenOnlyInput).query(({ ctx, input }) => ctx.invitations.lookup(input.token)),
    /** The signed-in user (the invited email) joins. */
    accept: authedProcedure.input(invitationTokenOnlyInput).mutation(({ ctx, input }) => ctx.invitations.accept(ctx.userId, input.token)),
    /** A new user with the invited email joins (no account of their own); rate limited like sign-up. */
    signUp: publicProcedure.input(invitationSignUpInput).mutation(({ ctx, input }) => ctx.invitations.signUp(input)),
  }),
  stacks: router({
    list: accountProcedure.input(stackListInput).query(({ ctx, input }) => listStacks(ctx.scope, input)),
    get: accountProcedure.input(byId).query(({ ctx, input }) => getStack(ctx.scope, input.id)),
    create: accountProcedure.input(stackInput).mutation(({ ctx, input }) => createStack(ctx.scope, input)),
    update: accountProcedure.input(stackUpdateInput).mutation(({ ctx, input }) => updateStack(ctx.scope, input)),
    delete: accountProcedure.input(byId).mutation(({ ctx, input }) => deleteStack(ctx.scope, input.id)),
    /** Clears the lock an interrupted apply left (after a human checked the infrastructure). */
    unlock: accountProcedure.input(byId).mutation(({ ctx, input }) => unlockStack(ctx.scope, input.id)),
  }),
  env: router({
    list: accountProcedure.input(listVariablesInput).query(({ ctx, input }) => listVariables(ctx.scope, input.stackId)),
    set: accountProcedure.input(setVariableInput).mutation(({ ctx, input }) => setVariable(ctx.scope, input)),
    delete: accountProcedure.input(deleteVariableInput).mutation(({ ctx, input }) => deleteVariable(ctx.scope, input)),
  }),
  runs: router({
    list: accountProcedure.input(listRunsInput).query(({ ctx, input }) => listRuns(ctx.scope, input)),
    get: accountProcedure.input(byId).query(({ ctx, input }) => getRun(ctx.scope, input.id)),
    trigger: accountProcedure.input(triggerRunInput).mutation(({ ctx, input }) => triggerRun(ctx.scope, input)),
    confirm: accountProcedure.input(byId).mutation(({ ctx, input }) => confirmRun(ctx.scope, input.id)),
    discard: accountProcedure.input(byId).mutation(({ ctx, input }) => discardRun(ctx.scope, input.id)),
    stop: accountProcedure.input(byId).mutation(({ ctx, input }) => stopRun(ctx.scope, input.id)),
    retry: accountProcedure.input(byId).mutation(({ ctx, input }) => retryRun(ctx.scope, input.id)),
  }),
});

export type AppRouter = typeof appRouter;
