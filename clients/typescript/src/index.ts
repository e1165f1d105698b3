// The Firebrick client: typed REST (openapi-fetch over the generated OpenAPI types), typed callables,
// and Firestore document types with converters. Everything but this file is generated (scripts/gen-clients).
import createClient, { type Client, type Middleware } from "openapi-fetch";
import type { components, paths } from "./openapi.gen.js";

export type { components, operations, paths } from "./openapi.gen.js";
export * from "./callables.gen.js";
export {
  type ActivityEntryDocument, type CommentDocument, type MemberDocument, type OrgDocument, type ProjectDocument,
  type TaskDocument, type UserProfileDocument,
  activityEntryConverter, activityEntryPath, commentConverter, commentPath, memberConverter, memberPath,
  orgConverter, orgPath, projectConverter, projectPath, taskConverter, taskPath, userProfileConverter, userProfilePath,
} from "./documents.gen.js";

/** An RFC 9457 problem as every REST error is answered; switch on `code`. */
export type Problem = components["schemas"]["Problem"];

/**
 * A typed fetch client for `/v1`. `baseUrl` is the API's base (e.g. the `api` function's URL);
 * `idToken` returns the signed-in user's current Firebase ID token (or a service token), or null.
 */
export function firebrickRest(baseUrl: string, idToken: () => Promise<string | null>): Client<paths> {
  const client = createClient<paths>({ baseUrl });
  const auth: Middleware = {
    async onRequest({ request }) {
      const token = await idToken();
      if (token) request.headers.set("Authorization", `Bearer ${token}`);
      return request;
    },
  };
  client.use(auth);
  return client;
}
