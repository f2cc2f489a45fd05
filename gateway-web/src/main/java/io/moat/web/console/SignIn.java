package io.moat.web.console;

import io.moat.web.internal.MoatAuthentication;
import io.moat.web.internal.Redirects;
import jakarta.enterprise.context.RequestScoped;
import jakarta.faces.context.ExternalContext;
import jakarta.faces.context.FacesContext;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.security.enterprise.AuthenticationStatus;
import jakarta.security.enterprise.SecurityContext;
import jakarta.security.enterprise.authentication.mechanism.http.AuthenticationParameters;
import jakarta.security.enterprise.credential.Password;
import jakarta.security.enterprise.credential.UsernamePasswordCredential;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/** The sign-in page and the sign-out button. */
@Named
@RequestScoped
public class SignIn {

    @Inject
    SecurityContext security;

    private String user;
    private String password;
    private String next;
    private boolean expired;
    private boolean signedOut;

    public String signIn() throws IOException {
        FacesContext faces = FacesContext.getCurrentInstance();
        ExternalContext external = faces.getExternalContext();
        AuthenticationStatus status = security.authenticate((HttpServletRequest) external.getRequest(),
                (HttpServletResponse) external.getResponse(), AuthenticationParameters.withParams()
                        .credential(new UsernamePasswordCredential(user == null ? "" : user,
                                new Password(password == null ? "" : password)))
                        .newAuthentication(true));
        password = null;
        Optional<Duration> refused = MoatAuthentication.signInRefusedFor((HttpServletRequest) external.getRequest());
        if (refused.isPresent()) {
            long seconds = MoatAuthentication.retryAfterSeconds(refused.get());
            long minutes = (seconds + 59) / 60;
            external.setResponseStatus(429);
            external.setResponseHeader("Retry-After", Long.toString(seconds));
            Feedback.error("signin:password", "Too many wrong passwords from your address or for this user: this"
                    + " sign-in was not checked. Try again in " + (minutes == 1 ? "a minute" : minutes + " minutes")
                    + ".");
            return null;
        }
        if (status != AuthenticationStatus.SUCCESS) {
            Feedback.error("signin:password",
                    "Wrong user name or password. The admin's password is moat.admin.password,"
                            + " or the one printed in the server log at the first start.");
            return null;
        }
        Redirects.to((HttpServletResponse) external.getResponse(), external.getRequestContextPath() + safeNext());
        faces.responseComplete();
        return null;
    }

    public void signOut() throws IOException, ServletException {
        ExternalContext external = FacesContext.getCurrentInstance().getExternalContext();
        ((HttpServletRequest) external.getRequest()).logout();
        external.invalidateSession();
        Redirects.to((HttpServletResponse) external.getResponse(),
                external.getRequestContextPath() + MoatAuthentication.SIGN_IN_PAGE + "?signedOut=true");
        FacesContext.getCurrentInstance().responseComplete();
    }

    /** Only a path of this application: never a redirect to another site. */
    String safeNext() {
        if (next == null || !next.startsWith("/") || next.startsWith("//") || next.contains("\\")
                || next.startsWith(MoatAuthentication.SIGN_IN_PAGE) || next.chars().anyMatch(Character::isISOControl)) {
            return "/index.xhtml";
        }
        return next;
    }

    public String getUser() {
        return user;
    }

    public void setUser(String user) {
        this.user = user;
    }

    public String getPassword() {
        return password;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    public String getNext() {
        return next;
    }

    public void setNext(String next) {
        this.next = next;
    }

    public boolean isExpired() {
        return expired;
    }

    public void setExpired(boolean expired) {
        this.expired = expired;
    }

    public boolean isSignedOut() {
        return signedOut;
    }

    public void setSignedOut(boolean signedOut) {
        this.signedOut = signedOut;
    }
}
