export const id = 106;
export const ids = [106];
export const modules = {

/***/ 9106:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   verifyCommand: () => (/* binding */ verifyCommand),
/* harmony export */   verifyUrl: () => (/* binding */ verifyUrl),
/* harmony export */   y: () => (/* binding */ sleep)
/* harmony export */ });
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6058);
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1421);
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_child_process__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _process_child_env_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(8561);



const sleep = (ms) => new Promise(resolve => setTimeout(resolve, ms));
/**
 * The health gate: the URL must answer 2xx before the deadline (tried every second; the new pods just turned
 * ready). Messages name it as `request.shown`, without its credentials.
 */
async function verifyUrl(request, timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    let last;
    for (;;) {
        try {
            const response = await fetch(request.url, {
                headers: request.headers,
                signal: AbortSignal.timeout(Math.max(1000, Math.min(10_000, deadline - Date.now())))
            });
            if (response.ok)
                return;
            last = `HTTP ${response.status}`;
        }
        catch (error) {
            last = (error.cause?.message ?? error.message).replaceAll(request.url, request.shown);
        }
        if (Date.now() + 1000 > deadline)
            throw new Error(`The health gate ${request.shown} did not answer 2xx within ${Math.round(timeoutMs / 1000)} s (last: ${last}).`);
        await sleep(1000);
    }
}
/**
 * The command gate: the program runs with the words of the input as its arguments (no shell), BND_COLOUR set for
 * blue-green, its output in the log; it passes by exiting 0 within the timeout.
 */
function verifyCommand(argv, timeoutMs, colour) {
    return new Promise((resolve, reject) => {
        const child = (0,node_child_process__WEBPACK_IMPORTED_MODULE_1__.spawn)(argv[0], argv.slice(1), {
            env: (0,_process_child_env_js__WEBPACK_IMPORTED_MODULE_2__/* .childEnv */ .g)(colour ? { BND_COLOUR: colour } : {}),
            timeout: timeoutMs,
            stdio: ['ignore', 'pipe', 'pipe']
        });
        const log = (chunk) => {
            for (const line of chunk.toString('utf8').split('\n'))
                if (line)
                    _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(`  ${line}`);
        };
        child.stdout.on('data', log);
        child.stderr.on('data', log);
        child.on('error', error => reject(new Error(`The health gate command ${argv[0]} could not run: ${error.message}`, { cause: error })));
        child.on('close', (code, signal) => {
            if (code === 0)
                resolve();
            else
                reject(new Error(`The health gate command ${argv.join(' ')} ${signal ? `was stopped (${signal}${signal === 'SIGTERM' ? `, after ${Math.round(timeoutMs / 1000)} s` : ''})` : `exited with ${code}`}.`));
        });
    });
}


/***/ })

};
