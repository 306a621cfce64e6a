// Starts GraphiQL in #graphiql, sending requests to the page's data-endpoint
// on this origin. A file of its own rather than an inline script, so the
// page's Content-Security-Policy can forbid inline scripts.
(function () {
  'use strict';
  var root = document.getElementById('graphiql');
  var url = new URL(root.dataset.endpoint, location.href).href;
  var help = [
    '# GraphiQL của hoctap. Đăng nhập bằng mutation login bên dưới, rồi dán',
    '# accessToken vào ô Headers: {"Authorization": "Bearer <accessToken>"}',
    '#',
    '# hoctap\'s GraphiQL. Sign in with the login mutation below, then paste the',
    '# accessToken under Headers: {"Authorization": "Bearer <accessToken>"}',
    '',
    'mutation SignIn {',
    '  login(input: {username: "admin", password: ""}) {',
    '    accessToken',
    '  }',
    '}',
    '',
    'query Me {',
    '  me {',
    '    username',
    '    role',
    '    scope { name }',
    '  }',
    '}',
    ''
  ].join('\n');
  ReactDOM.createRoot(root).render(React.createElement(GraphiQL, {
    fetcher: GraphiQL.createFetcher({ url: url }),
    defaultQuery: help,
    defaultEditorToolsVisibility: true
  }));
})();
