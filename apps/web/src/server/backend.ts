// The one place the web app binds to the backend packages (API router, context, credentials).
// Everything else imports from here, so swapping the implementation touches one file.
export { appRouter, createContext, verifyCredentials, type AppRouter } from './provisional-api.ts';
