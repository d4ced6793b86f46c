plotly.js is not stored here: tests compare only this file's content-hashed name
