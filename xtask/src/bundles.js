
// Added by `cargo xtask build` (xtask/src/bundles.js): each `#[lazy]` page's modules come in one
// file, `<page>.bundle`, fetched once; a module is taken from the bundle of the page being
// opened (`current`, set while that page's loader asks for its modules). A chunk already loaded
// for another page is not instantiated again (makeLoad remembers it).
let current = undefined;
function fromBundle(split, callee) {
    current = split;
    try {
        return callee();
    } finally {
        current = undefined;
    }
}
const bundles = new Map();
function bundle(split) {
    let loading = bundles.get(split);
    if (loading === undefined) {
        loading = fetch(new URL(`./${split}.bundle`, import.meta.url)).then(async (res) => {
            if (!res.ok) throw new Error(`${split}.bundle: ${res.status}`);
            const bytes = await res.arrayBuffer();
            const view = new DataView(bytes);
            const parts = new Map();
            let at = 0;
            const word = () => {
                const value = view.getUint32(at, true);
                at += 4;
                return value;
            };
            for (let count = word(); count > 0; count--) {
                const nameLength = word();
                const name = new TextDecoder().decode(new Uint8Array(bytes, at, nameLength));
                at += nameLength;
                const length = word();
                parts.set(name, new Uint8Array(bytes, at, length));
                at += length;
            }
            return parts;
        });
        // A failed fetch is tried again the next time the page is opened.
        loading.catch(() => {
            if (bundles.get(split) === loading) bundles.delete(split);
        });
        bundles.set(split, loading);
    }
    return loading;
}
function part(stem) {
    const split = current;
    if (split === undefined) return Promise.reject(new Error(`${stem}: asked for outside a page's load`));
    return bundle(split).then((parts) => {
        if (!parts.has(stem)) throw new Error(`${stem} is not in ${split}.bundle`);
        return new Response(parts.get(stem), { headers: { "Content-Type": "application/wasm" } });
    });
}
// The pages most opened after the first screen, fetched once the first screen's own requests
// have had the network to themselves.
const prefetched = [/* prefetch */];
addEventListener("load", () => setTimeout(() => prefetched.forEach(bundle), /* after load */));
