/**
 * A dependency-free API browser: fetches /api/openapi.json and lists operations by tag with their
 * permission, parameters, body and responses. Plain DOM building, no innerHTML with spec content.
 */
export const API_DOCS_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Paddock API</title>
<meta name="viewport" content="width=device-width,initial-scale=1">
<style>
body{font:14px/1.5 system-ui,sans-serif;margin:0;color:#1f2328;background:#f6f8fa}
header{background:#001529;color:#fff;padding:16px 24px}header h1{margin:0;font-size:20px}
main{max-width:1100px;margin:0 auto;padding:16px 24px}h2{border-bottom:1px solid #d0d7de;padding-bottom:4px;text-transform:capitalize}
details{background:#fff;border:1px solid #d0d7de;border-radius:6px;margin:6px 0}summary{cursor:pointer;padding:8px 12px;display:flex;gap:12px;align-items:center}
.m{font-weight:700;width:64px;text-transform:uppercase;font-family:monospace}.get{color:#1a7f37}.post{color:#0969da}.patch,.put{color:#9a6700}.delete{color:#cf222e}
.p{font-family:monospace}.s{color:#57606a}.perm{margin-left:auto;font-family:monospace;font-size:12px;background:#ddf4ff;border-radius:10px;padding:0 8px}
pre{background:#f6f8fa;margin:0 12px 12px;padding:8px;overflow:auto;font-size:12px;border-radius:4px}h4{margin:8px 12px 4px}
</style></head><body><header><h1>Paddock API</h1><div id="info"></div></header><main id="main">Loading /api/openapi.json…</main>
<script>
const el=(t,c,x)=>{const e=document.createElement(t);if(c)e.className=c;if(x!=null)e.textContent=x;return e};
fetch('/api/openapi.json').then(r=>r.json()).then(spec=>{
  document.getElementById('info').textContent=(spec.info&&spec.info.version?'version '+spec.info.version+' — ':'')+(spec.info&&spec.info.description||'');
  const main=document.getElementById('main');main.textContent='';
  const groups={};
  for(const [path,ops] of Object.entries(spec.paths||{}))for(const [method,op] of Object.entries(ops)){
    if(typeof op!=='object'||!op)continue;const tag=(op.tags&&op.tags[0])||'other';(groups[tag]=groups[tag]||[]).push({path,method,op});}
  for(const tag of Object.keys(groups).sort()){
    main.appendChild(el('h2',null,tag));
    for(const {path,method,op} of groups[tag]){
      const d=el('details');const s=el('summary');
      s.append(el('span','m '+method,method),el('span','p',path),el('span','s',op.summary||''),el('span','perm',op['x-permission']||''));
      d.appendChild(s);
      const add=(title,obj)=>{if(!obj)return;d.appendChild(el('h4',null,title));d.appendChild(el('pre',null,JSON.stringify(obj,null,2)))};
      add('Parameters',op.parameters);add('Request body',op.requestBody);add('Responses',op.responses);
      main.appendChild(d);}
  }
}).catch(e=>{document.getElementById('main').textContent='Could not load the OpenAPI document: '+e});
</script></body></html>`;
