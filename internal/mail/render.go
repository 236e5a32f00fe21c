package mail

import (
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"
)

var textTmpl = texttemplate.Must(texttemplate.New("text").Parse(`{{.Greeting}}

{{.Lead}}
{{range .Changes}}
{{.Label}}{{$.Colon}}{{.Before}} → {{.After}}
{{end}}
{{range .Facts}}{{.Label}}{{$.Colon}}{{.After}}
{{end}}{{if .Summary}}
{{.Summary}}
{{end}}{{if .Bring}}
{{.Bring}}
{{end}}
{{.LinkText}}
{{.Link}}

{{.Footer}}
`))

var htmlTmpl = htmltemplate.Must(htmltemplate.New("html").Parse(`<!doctype html>
<html lang="{{.Lang}}-CH"><head><meta charset="utf-8"></head>
<body style="font-family: Arial, sans-serif; font-size: 15px; line-height: 1.5; color: #1d2530;">
<p>{{.Greeting}}</p>
<p><strong>{{.Lead}}</strong></p>
{{range .Changes}}<p style="background:#fff6e5;border-left:4px solid #8a4b00;padding:8px 12px;"><strong>{{.Label}}{{$.Colon}}{{.After}}</strong><br><span style="color:#4a5565;">{{.Before}} → {{.After}}</span></p>
{{end}}<table role="presentation" style="border-collapse:collapse;">
{{range .Facts}}<tr><td style="padding:2px 12px 2px 0;color:#4a5565;">{{.Label}}</td><td style="padding:2px 0;">{{.After}}</td></tr>
{{end}}</table>
{{if .Summary}}<p>{{.Summary}}</p>{{end}}
{{if .Bring}}<p>{{.Bring}}</p>{{end}}
<p><a href="{{.Link}}" style="display:inline-block;background:#0b5cad;color:#fff;padding:10px 16px;border-radius:6px;text-decoration:none;">{{.LinkText}}</a></p>
{{if .QR}}<p>{{.QRText}}<br><img src="cid:{{.QRID}}" width="160" height="160" alt="{{.QRText}}"></p>{{end}}
<p style="color:#4a5565;">{{.Footer}}</p>
</body></html>
`))

func renderText(c content) string {
	var b strings.Builder
	if err := textTmpl.Execute(&b, c); err != nil {
		return c.Lead + "\n\n" + c.Link
	}
	return strings.ReplaceAll(b.String(), "\n\n\n", "\n\n")
}

func renderHTML(c content) string {
	var b strings.Builder
	if err := htmlTmpl.Execute(&b, c); err != nil {
		return ""
	}
	return b.String()
}
