// The stand-alone console page (index.html): the console in the page's <main>.
import { mountConsole } from "./console.js";

mountConsole(document.getElementById("crossbuy-console-app"));
