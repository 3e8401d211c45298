// The one place the web app binds to the backend packages (API router, context, credentials).
export { appRouter, createApiHandler, createContext, verifyCredentials, type AppRouter } from '@gantry/api';
