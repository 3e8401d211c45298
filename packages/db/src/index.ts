export { createPrismaClient, PrismaClient } from './client.ts';
