// A Node app on the official Firebase JS SDK and the typed Firebrick client, run against the emulators:
// sign in, create an org and a task through the typed callables, list tasks over REST with the typed fetch
// client, read the task document with its converter, and listen to `claimsUpdatedAt` for token refreshes.
import { initializeApp } from "firebase/app";
import { connectAuthEmulator, createUserWithEmailAndPassword, getAuth } from "firebase/auth";
import { connectFirestoreEmulator, doc, getDoc, getFirestore, onSnapshot, terminate } from "firebase/firestore";
import { connectFunctionsEmulator, getFunctions } from "firebase/functions";
import { callables, firebrickRest, taskConverter, userProfileConverter } from "../src/index.js";

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

function hostPort(name: string): [string, number] {
  const [host, port] = env(name).split(":");
  return [host ?? "127.0.0.1", Number(port)];
}

const projectId = env("GCLOUD_PROJECT");
const app = initializeApp({ projectId, apiKey: "demo-api-key" });
const auth = getAuth(app);
connectAuthEmulator(auth, `http://${env("FIREBASE_AUTH_EMULATOR_HOST")}`, { disableWarnings: true });
const db = getFirestore(app);
connectFirestoreEmulator(db, ...hostPort("FIRESTORE_EMULATOR_HOST"));
const functions = getFunctions(app, "us-central1");
connectFunctionsEmulator(functions, ...hostPort("FIREBRICK_FUNCTIONS_HOST"));

const email = `example-${Date.now()}@example.com`;
const { user } = await createUserWithEmailAndPassword(auth, email, "a long example passphrase 42");

// Listen to claimsUpdatedAt: when it moves, the ID token's roles are stale, so force a refresh.
const profile = doc(db, `users/${user.uid}`).withConverter(userProfileConverter);
const stopListening = onSnapshot(profile, async (snapshot) => {
  if (snapshot.data()?.claimsUpdatedAt) await user.getIdToken(true);
});

const call = callables(functions);
const org = await call.orgs_create({ name: "Example Org" });
const project = await call.projects_create({ orgId: org.id, name: "Launch" });
const task = await call.tasks_create({ orgId: org.id, projectId: project.id, title: "Write the docs", labels: ["docs"] });

const rest = firebrickRest(env("FIREBRICK_API_BASE"), () => user.getIdToken());
const { data: page, error } = await rest.GET("/v1/orgs/{orgId}/projects/{projectId}/tasks", {
  params: { path: { orgId: org.id, projectId: project.id }, query: { limit: 10 } },
});
if (error) throw new Error(`listing failed: ${error.code}`);
if (!page.items.some((item) => item.id === task.id)) throw new Error("the task is not listed");

const snapshot = await getDoc(doc(db, `orgs/${org.id}/projects/${project.id}/tasks/${task.id}`).withConverter(taskConverter));
const stored = snapshot.data();
if (stored?.title !== "Write the docs" || stored.status !== "todo") throw new Error("unexpected task document");

stopListening();
await terminate(db);
console.log(JSON.stringify({ org: org.id, project: project.id, task: task.id, listed: page.items.length, due: stored.dueAt ?? null }));
process.exit(0);
