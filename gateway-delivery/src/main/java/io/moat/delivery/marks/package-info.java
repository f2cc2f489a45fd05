/**
 * What a security rule adds to the copy it delivers: the outcome's marks with their placeholders filled in and the
 * defaults a tagged or bypassed message always gets, written as a marked copy beside the stored message.
 */
package io.moat.delivery.marks;
