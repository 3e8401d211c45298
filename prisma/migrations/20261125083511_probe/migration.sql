-- CreateTable
CREATE TABLE "Probe" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,

    CONSTRAINT "Probe_pkey" PRIMARY KEY ("id")
);
