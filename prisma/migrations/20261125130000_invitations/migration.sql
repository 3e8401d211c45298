-- Invitations: an admin invites an email with a role; the invitee opens a one-time link (its token's
-- SHA-256 is stored, never the token) to sign up or sign in and join. Tenant data like Membership.

-- CreateTable
CREATE TABLE "Invitation" (
    "id" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "invitedById" TEXT,
    "invitedByName" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Invitation_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Invitation_tokenHash_key" ON "Invitation"("tokenHash");

-- CreateIndex
CREATE UNIQUE INDEX "Invitation_accountId_email_key" ON "Invitation"("accountId", "email");

-- AddForeignKey
ALTER TABLE "Invitation" ADD CONSTRAINT "Invitation_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Row-level security, as for every tenant table (see migration row_level_security): a tenant handle
-- sees and writes only its account's invitations; accepting a link by token is the system path.
GRANT SELECT, INSERT, UPDATE, DELETE ON "Invitation" TO gantry_system;
GRANT SELECT, INSERT, UPDATE, DELETE ON "Invitation" TO gantry_tenant;
ALTER TABLE "Invitation" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "Invitation" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "Invitation" TO gantry_tenant
  USING ("accountId" = current_setting('app.account_id', true))
  WITH CHECK ("accountId" = current_setting('app.account_id', true));
CREATE POLICY system_access ON "Invitation" TO gantry_system USING (true) WITH CHECK (true);
