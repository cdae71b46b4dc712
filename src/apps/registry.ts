// Looks an app up by name.

import { APP_NAMES, type App } from "./app.js";
import { echoApp } from "./echo-app.js";
import { helloApp } from "./hello-app.js";
import { sumApp } from "./sum-app.js";

const APPS: Record<string, App> = { echo: echoApp, hello: helloApp, sum: sumApp };

export function getApp(name: string): App {
  const app = APPS[name];
  if (!app) throw new Error(`unknown app ${JSON.stringify(name)}: choose one of ${APP_NAMES.join(", ")}`);
  return app;
}
