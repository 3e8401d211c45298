import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@/server/backend.ts';

export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type RouterInputs = inferRouterInputs<AppRouter>;

export type StackListItem = RouterOutputs['stacks']['list'][number];
export type StackDetail = RouterOutputs['stacks']['get'];
export type StackInput = RouterInputs['stacks']['create'];
export type RunListItem = RouterOutputs['runs']['list']['items'][number];
export type RunDetail = RouterOutputs['runs']['get'];
export type EnvVariable = RouterOutputs['env']['list'][number];
export type Member = RouterOutputs['members']['list'][number];
export type Invitation = RouterOutputs['invitations']['list'][number];
export type InvitationPreview = RouterOutputs['invitations']['lookup'];
